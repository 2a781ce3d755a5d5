import rules

from qdialog.tenancy.scope import scope_for


@rules.predicate
def sees_process(user, process):
    """A municipality's process: whoever sees the municipality. A cluster's process: whoever sees
    the cluster, and the members of its municipalities."""
    if process is None:
        return False
    scope = scope_for(user)
    if process.municipality_id:
        return scope.sees_municipality(process.municipality)
    return scope.sees_cluster(process.cluster) or scope.member_of_cluster(process.cluster)


@rules.predicate
def manages_process(user, process):
    if process is None:
        return False
    scope = scope_for(user)
    if process.municipality_id:
        return scope.manages_municipality(process.municipality)
    return scope.manages_cluster(process.cluster)


def _invited(user, event) -> bool:
    return event.invitations.filter(organisation__memberships__user=user).exists()


@rules.predicate
def sees_event(user, event):
    """Those who run the process and the coordinators above it see every event; in a cluster's
    process so do the coordinators of its municipalities. Participants see only the events
    their organisation is invited to."""
    if event is None:
        return False
    scope = scope_for(user)
    process = event.process
    if manages_process(user, process):
        return True
    if process.municipality_id:
        municipality = process.municipality
        if municipality.cluster_id in scope.coordinated_clusters:
            return True
        return municipality.pk in scope.participant_municipalities and _invited(user, event)
    cluster = process.cluster
    if scope.member_of_cluster(cluster, coordinators_only=True):
        return True
    return scope.member_of_cluster(cluster) and _invited(user, event)


rules.add_rule("processes.view_process", sees_process)
rules.add_rule("processes.view_event", sees_event)
rules.add_rule("processes.manage_process", manages_process)
