"""Small access helpers for views: load in scope, check a rule, otherwise 404."""

import rules
from django.http import Http404


def require_rule(name: str, user, obj) -> None:
    """Raise 404 unless the rule allows it: a refused object looks like a missing one."""
    if not rules.test_rule(name, user, obj):
        raise Http404("Not in scope")
