"""Demo processes: every model municipality in the workshop phase, with a steering group."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Group, GroupMember, Phase, PhaseKind, PhaseStatus
from .services import process_create

INTERESTS = ("Übergaben zwischen ASD und freien Trägern verlässlich gestalten.\n"
             "Rückmeldungen an Schulen und Kitas nach einer Mitteilung.\n"
             "Kinder und Eltern stärker beteiligen.")
DIMENSIONS = ["Standards: Ebene Hilfesystem", "Zusammenarbeit im Netzwerk",
              "Beteiligung von Kindern und Eltern"]


def load(programme, institute, coordinator) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=300)
    for municipality in programme.municipalities.filter(cluster_role="model"):
        process = process_create(actor=None, municipality=municipality, fields={
            "title": f"Qualitätsentwicklung Kinderschutz {municipality.name.split(' ', 1)[-1]}",
            "institute": institute, "lead": coordinator
            if municipality.memberships.filter(user=coordinator).exists() else None,
            "interests": INTERESTS, "dimensions": DIMENSIONS, "started_on": start})
        # dates and states: done up to the priorities, the workshop phase running now
        spans = [30, 20, 60, 40, 180, 120, 60, 90, 60]
        begin = start
        phases = list(process.phases.all())
        for phase, days in zip(phases, spans):
            phase.starts_on, phase.ends_on = begin, begin + dt.timedelta(days=days)
            if phase.ends_on < today:
                phase.status = PhaseStatus.DONE
            elif phase.starts_on <= today:
                phase.status = PhaseStatus.ACTIVE
            if phase.kind == PhaseKind.WORKSHOPS:
                phase.goals = "Fünf QE-Werkstätten zu den gewählten Schwerpunkten."
            begin = phase.ends_on + dt.timedelta(days=1)
        Phase.objects.bulk_update(phases, ["starts_on", "ends_on", "status", "goals"])
        steering = Group.objects.create(process=process, kind="steering",
                                        name="Steuerungsgruppe Kinderschutz")
        GroupMember.objects.bulk_create(
            GroupMember(group=steering, organisation=org, role="")
            for org in municipality.organisations.all()[:5])

