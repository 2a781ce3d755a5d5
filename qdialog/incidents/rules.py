"""Who may do what with a reporting system (django-rules; read through the person's Scope)."""

import rules

from qdialog.tenancy.scope import scope_for


@rules.predicate
def manages_reporting(user, system):
    """Set up the system and name its reviewers: the municipality's coordinators (and institute
    staff); for a programme's system, its institute staff."""
    if system is None:
        return False
    scope = scope_for(user)
    if system.municipality_id:
        return scope.manages_municipality(system.municipality)
    return scope.is_institute_staff(system.programme_id)


@rules.predicate
def sees_published(user, system):
    """Published reports and statistics: every member of the municipality (or programme)."""
    if system is None:
        return False
    scope = scope_for(user)
    if system.municipality_id:
        return scope.sees_municipality(system.municipality)
    return system.programme_id in scope.programmes_with_any_role


@rules.predicate
def reviews_reports(user, system):
    """New reports, anonymity check, comment and publication: designated reviewers only, and
    only while they still hold a role there."""
    if system is None or not user.is_authenticated:
        return False
    return sees_published(user, system) and system.reviewers.filter(pk=user.pk).exists()


rules.add_rule("incidents.manage_system", manages_reporting)
rules.add_rule("incidents.view_published", sees_published)
rules.add_rule("incidents.review", reviews_reports)
