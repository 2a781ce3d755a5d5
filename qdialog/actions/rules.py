"""The action plan is read by everyone in the municipality (participants carry actions too),
run by its coordinators; the responsible person may report progress on their own action."""

import rules

from qdialog.tenancy.rules import manages_municipality, sees_municipality
from qdialog.tenancy.scope import scope_for


@rules.predicate
def reports_progress(user, action):
    if action is None:
        return False
    scope = scope_for(user)
    return scope.manages_municipality(action.municipality) or (
        action.responsible_person_id == user.pk and scope.sees_municipality(action.municipality))


rules.add_rule("actions.view", sees_municipality)
rules.add_rule("actions.manage", manages_municipality)
rules.add_rule("actions.progress", reports_progress)
