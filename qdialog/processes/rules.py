import rules

from qdialog.tenancy.rules import manages_municipality, sees_municipality


@rules.predicate
def sees_process(user, process):
    return process is not None and sees_municipality(user, process.municipality)


@rules.predicate
def manages_process(user, process):
    return process is not None and manages_municipality(user, process.municipality)


@rules.predicate
def sees_event(user, event):
    """Those who see the process; a participant only when their organisation is invited."""
    if event is None:
        return False
    from qdialog.core.scope import scope_for

    scope = scope_for(user)
    municipality = event.process.municipality
    if (scope.manages_municipality(municipality)
            or municipality.cluster_id in scope.coordinated_clusters):
        return True
    if municipality.pk in scope.participant_municipalities:
        return event.invitations.filter(organisation__memberships__user=user).exists()
    return False


rules.add_rule("processes.view_process", sees_process)
rules.add_rule("processes.view_event", sees_event)
rules.add_rule("processes.manage_process", manages_process)
