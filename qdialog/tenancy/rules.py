"""Permission predicates (django-rules). Views and templates ask these, never `if role == …`.

Each predicate reads the person's Scope (qdialog/tenancy/scope.py), so there is one source of truth.
Test them with `rules.test_rule("tenancy.manage_municipality", user, municipality)` or, in
templates, `{% test_rule "tenancy.manage_municipality" user municipality as can_manage %}`.
"""

import rules

from qdialog.tenancy.scope import scope_for


@rules.predicate
def is_programme_institute_staff(user, programme):
    return programme is not None and scope_for(user).is_institute_staff(programme.pk)


@rules.predicate
def sees_cluster(user, cluster):
    return cluster is not None and scope_for(user).sees_cluster(cluster)


@rules.predicate
def sees_municipality(user, municipality):
    return municipality is not None and scope_for(user).sees_municipality(municipality)


@rules.predicate
def manages_municipality(user, municipality):
    return municipality is not None and scope_for(user).manages_municipality(municipality)


@rules.predicate
def reads_municipality_log(user, municipality):
    return municipality is not None and scope_for(user).reads_municipality_log(municipality)


rules.add_rule("tenancy.view_programme", is_programme_institute_staff)
rules.add_rule("tenancy.manage_programme", is_programme_institute_staff)
rules.add_rule("tenancy.view_programme_log", is_programme_institute_staff)
rules.add_rule("tenancy.view_cluster", sees_cluster)
rules.add_rule("tenancy.view_municipality", sees_municipality)
rules.add_rule("tenancy.manage_municipality", manages_municipality)
rules.add_rule("tenancy.view_municipality_log", reads_municipality_log)
