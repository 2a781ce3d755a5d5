"""What the processes pages read: the processes a person may see."""

from django.db.models import Q

from .models import Process


def processes_visible(scope):
    """Quality development processes of visible municipalities and clusters (events inside
    are further restricted by the rule processes.view_event)."""
    return Process.objects.filter(
        scope.municipality_q("municipality__")
        | Q(cluster__programme_id__in=scope.institute_programmes)
        | Q(cluster_id__in=scope.coordinated_clusters)
        | Q(cluster_id__in=scope.member_clusters()))


def person_data(user) -> dict:
    """What this app holds about a person, for their data export (accounts/personal_data)."""
    from .models import GroupMember

    return {"group_seats": [{"group": str(g.group), "process": str(g.group.process),
                             "organisation": str(g.organisation), "role": g.role}
                            for g in GroupMember.objects.filter(person=user).select_related(
                                "group__process", "organisation")]}
