"""What the processes pages read: the processes a person may see, a process's timeline."""

import rules
from django.db.models import Q
from django.utils import timezone

from qdialog.core.registry import timeline_sources

from .models import Event, GroupMember, Invitation, Process


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
    return {"group_seats": [{"group": str(g.group), "process": str(g.group.process),
                             "organisation": str(g.organisation), "role": g.role}
                            for g in GroupMember.objects.filter(person=user).select_related(
                                "group__process", "organisation")]}


def timeline(process, user=None):
    """Phases, events and what the other apps add (survey waves, adopted standards, due
    actions – registered as `timeline_sources` in their apps.py), in date order, undated last.
    A municipality's process also shows its cluster's common events (those the person may
    see, when `user` is given). Each entry: {"date", "end", "kind", "object", "origin"}, where
    origin is "" for the process's own entries, or "cluster" / "programme"."""
    entries = [{"date": p.starts_on, "end": p.ends_on, "kind": "phase", "object": p,
                "origin": ""} for p in process.phases.all()]
    events = [(e, "") for e in process.events.all()]
    cluster_id = process.municipality.cluster_id if process.municipality_id else None
    if cluster_id:
        common = Event.objects.filter(process__cluster_id=cluster_id,
                                      process__municipality__isnull=True).select_related(
            "process__cluster__programme")
        events += [(e, "cluster") for e in common
                   if user is None or rules.test_rule("processes.view_event", user, e)]
    entries += [{"date": timezone.localtime(e.starts_at).date(), "end": None, "kind": "event",
                 "object": e, "origin": origin} for e, origin in events]
    for source in timeline_sources:
        for entry in source(process):
            if callable(entry.get("href")):  # the link as far as the person may follow it
                entry["href"] = entry["href"](user)
            entries.append({"origin": "", **entry})
    dated = sorted((e for e in entries if e["date"]), key=lambda e: e["date"])
    return dated + [e for e in entries if not e["date"]]


def invited_organisations(municipality) -> set[int]:
    """The organisations of a municipality invited to any event: its own processes' events and
    its cluster's common ones (for the network map's "never at an event")."""
    return set(Invitation.objects.filter(organisation__municipality=municipality)
               .values_list("organisation_id", flat=True))
