"""The community profile (after the NZFH profile page), generated from the process's data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from qdialog.tenancy.models import Organisation, ProfessionalSystem

from .models import Decision, Event, GroupMember, Invitation, Process


@dataclass
class Profile:
    process: Process
    interests: list[str]
    participants: list[tuple[str, int]]  # professional system, organisations taking part
    organisations_taking_part: int
    themes: list[str]
    results_local: list[str]
    results_planned: list[str]
    cluster_processes: list = field(default_factory=list)  # (current phase, municipalities)
    municipalities: list = field(default_factory=list)  # of a cluster's process
    created: object = None
    cluster: object = None  # the cluster the process's municipality belongs to, or its own


def build(process: Process) -> Profile:
    taking_part = set(Invitation.objects.filter(event__process=process, attended=True)
                      .values_list("organisation_id", flat=True))
    taking_part |= set(GroupMember.objects.filter(group__process=process)
                       .values_list("organisation_id", flat=True))
    by_system = Counter(Organisation.objects.filter(pk__in=taking_part)
                        .values_list("professional_system", flat=True))
    now = timezone.now()
    themes = list(process.dimensions or [])
    for event in Event.objects.filter(process=process).prefetch_related("agenda"):
        themes += [a.topic for a in event.agenda.all()
                   if a.topic not in themes and "Begrüßung" not in a.topic][:2]
    planned = [f"{e.title} ({timezone.localtime(e.starts_at):%d.%m.%Y})"
               for e in Event.objects.filter(process=process, starts_at__gte=now)]
    planned += [f"{p.title}" for p in process.phases.filter(status="planned")[:3]]
    cluster = Counter()
    cluster_id = process.cluster_id or (process.municipality.cluster_id)
    if cluster_id:
        # the municipalities' own processes in the cluster, by their current phase
        for other in Process.objects.filter(municipality__cluster_id=cluster_id) \
                .exclude(pk=process.pk).prefetch_related("phases"):
            phase = other.current_phase
            cluster[str(phase) if phase else "–"] += 1
    return Profile(
        process=process,
        interests=[line.strip() for line in process.interests.splitlines() if line.strip()],
        participants=[(ProfessionalSystem(s).label, n) for s, n in by_system.most_common()
                      if s in ProfessionalSystem.values],
        organisations_taking_part=len(taking_part),
        themes=themes[:10],
        results_local=list(Decision.objects.filter(event__process=process)
                           .values_list("text", flat=True)),
        results_planned=planned, cluster_processes=sorted(cluster.items()),
        municipalities=([str(m) for m in process.cluster.municipalities.all()]
                        if process.cluster_id else []),
        created=timezone.localdate(),
        cluster=process.cluster or (process.municipality.cluster
                                    if process.municipality_id else None))
