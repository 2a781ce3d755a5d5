"""Demo processes: every model municipality in the workshop phase, with a steering group."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qdialog.tenancy.models import Organisation

from .models import (
    AgendaItem,
    Decision,
    Event,
    Group,
    GroupMember,
    Invitation,
    Phase,
    PhaseKind,
    PhaseStatus,
    Reply,
)
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
        _events(process, municipality, today)
        steering = Group.objects.create(process=process, kind="steering",
                                        name="Steuerungsgruppe Kinderschutz")
        GroupMember.objects.bulk_create(
            GroupMember(group=steering, organisation=org, role="")
            for org in municipality.organisations.all()[:5])
    for cluster in programme.clusters.all()[:3]:
        _cluster_process(cluster, institute, today)


def _cluster_process(cluster, institute, today) -> None:
    """A cluster's common work: a network conference of all its municipalities, past, and a
    Fachtag to come."""
    process = process_create(actor=None, cluster=cluster, fields={
        "title": f"Gemeinsam im {cluster}", "institute": institute,
        "interests": "Voneinander lernen: Modell- und Partnerkommunen tauschen Erfahrungen aus.",
        "started_on": today - dt.timedelta(days=250)})
    process.phases.filter(kind__in=[PhaseKind.COMMISSION, PhaseKind.KICK_OFF]).update(
        status=PhaseStatus.DONE)
    process.phases.filter(kind=PhaseKind.WORKSHOPS).update(status=PhaseStatus.ACTIVE)
    organisations = list(Organisation.objects.filter(
        municipality__cluster=cluster, professional_system__in=["youth_office", "health",
                                                                  "school", "police"]))
    for offset, kind, title in [(-40, "network_conference", "Clusterkonferenz Kinderschutz"),
                                (80, "fachtag", "Fachtag: Aus Fehlern lernen")]:
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=offset),
                                                        dt.time(10, 0)))
        event = Event.objects.create(process=process, kind=kind, title=title,
                                     starts_at=start, ends_at=start + dt.timedelta(hours=5),
                                     place="Tagungshaus, Raum 1")
        AgendaItem.objects.create(event=event, time=dt.time(10, 0),
                                  topic="Stand der Qualitätsentwicklung in den Kommunen",
                                  lead="Clusterkoordination")
        past = offset < 0
        Invitation.objects.bulk_create(
            Invitation(event=event, organisation=org, reply=Reply.YES,
                       attended=past and index % 3 != 2, participants=1 if past else 0)
            for index, org in enumerate(organisations))
        if past:
            event.minutes = "Die Kommunen haben ihre Schwerpunkte vorgestellt."
            event.save(update_fields=["minutes"])
            Decision.objects.create(event=event, text="Ein gemeinsamer Fachtag zum Lernen "
                                    "aus Fehlern wird vorbereitet.")



def _events(process, municipality, today) -> None:
    """Two past workshops with minutes and attendance, and an upcoming one with an agenda."""
    organisations = list(municipality.organisations.all())
    plan = [(-70, "1. QE-Werkstatt: Ergebnisse der Bestandsaufnahme",
             "Schwerpunkte: Übergaben, Rückmeldungen nach Mitteilungen, Beteiligung."),
            (-10, "2. QE-Werkstatt: Übergaben und Rückmeldungen",
             "Eine Arbeitsgruppe „Übergaben“ wird gebildet und berichtet in der nächsten "
             "Werkstatt."),
            (50, "3. QE-Werkstatt: Eckpfeiler guter Fachpraxis", "")]
    for offset, title, decision in plan:
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=offset),
                                                        dt.time(9, 0)))
        event = Event.objects.create(
            process=process, kind="workshop", title=title, starts_at=start,
            ends_at=start + dt.timedelta(hours=7), place=f"Kreishaus {municipality.name}")
        AgendaItem.objects.bulk_create([
            AgendaItem(event=event, time=dt.time(9, 0), topic="Begrüßung und Ziele",
                       lead="Kommunale Koordination"),
            AgendaItem(event=event, time=dt.time(9, 30), topic=title.split(": ", 1)[-1],
                       lead="Wissenschaftliche Begleitung"),
            AgendaItem(event=event, time=dt.time(14, 0), topic="Vereinbarungen und nächste "
                       "Schritte", lead="Steuerungsgruppe")])
        past = offset < 0
        Invitation.objects.bulk_create(
            Invitation(event=event, organisation=org, reply=Reply.YES,
                       attended=past and index % 4 != 3, participants=(2 if past else 0)
                       if index % 4 != 3 else 0)
            for index, org in enumerate(organisations))
        for invitation in event.invitations.filter(organisation__contacts__isnull=False):
            invitation.contacts.set(invitation.organisation.contacts.all())
        if past:
            event.minutes = ("Die Beteiligten haben die Ergebnisse besprochen und Schwerpunkte "
                             "für die weitere Arbeit vereinbart.")
            event.open_points = "Termin der Arbeitsgruppe abstimmen."
            event.save(update_fields=["minutes", "open_points"])
            Decision.objects.create(event=event, text=decision)


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.programme, ctx.institute, ctx.coordinator)
