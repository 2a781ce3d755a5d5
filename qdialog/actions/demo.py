"""Demo action plans (fictional): every model municipality has actions in every state, some
overdue; some come from workshop decisions, case-review recommendations and reports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qdialog.casereviews.models import Recommendation
from qdialog.processes.models import Decision

from .models import Action, ProgressNote

PLAN = [
    ("Rückmeldung an Mitteilende innerhalb einer Woche", "youth_office", -120, -20, "in_progress",
     "high"),
    ("Übergabegespräch bei Zuständigkeitswechsel einführen", "youth_office", -90, 30, "planned",
     "high"),
    ("Kontaktliste der Netzwerkpartner jährlich abgleichen", "police", -200, -60, "done",
     "medium"),
    ("Handreichung § 8a für Kitas", "kita", -60, -5, "planned", "medium"),
    ("Fachtag „Aus Fehlern lernen“ vorbereiten", "early_help", -30, 80, "in_progress", "low"),
    ("Gemeinsame Terminfenster für Hilfeplangespräche", "independent_provider", -150, -100,
     "dropped", "low"),
    ("Leitbild Kinderschutz überarbeiten", "youth_office", 10, 150, "planned", "medium"),
]


def load(programme, participant) -> None:
    today = timezone.localdate()
    for municipality in programme.municipalities.filter(cluster_role="model"):
        organisations = {}
        for org in municipality.organisations.all():
            organisations.setdefault(org.professional_system, org)
        person = participant if municipality.memberships.filter(user=participant).exists() \
            else None
        decision = Decision.objects.filter(event__process__municipality=municipality).first()
        recommendation = Recommendation.objects.filter(
            review__municipality=municipality, review__stage="published").first()
        actions = []
        for index, (title, system, start, due, status, priority) in enumerate(PLAN):
            actions.append(Action(
                municipality=municipality, title=title, status=status, priority=priority,
                starts_on=today + dt.timedelta(days=start), due_on=today + dt.timedelta(days=due),
                review_on=today + dt.timedelta(days=due + 180),
                responsible_organisation=organisations.get(system),
                responsible_person=person if index in (0, 3) else None,
                origin="decision" if index == 4 and decision else
                "case_review" if index == 0 and recommendation else "other",
                decision=decision if index == 4 else None,
                recommendation=recommendation if index == 0 else None))
        Action.objects.bulk_create(actions)
        for action in Action.objects.filter(municipality=municipality,
                                            status__in=["in_progress", "done"]):
            ProgressNote.objects.create(action=action, status_from="planned",
                                        status_to="in_progress",
                                        text="Arbeitsgruppe hat begonnen.")
            if action.status == "done":
                ProgressNote.objects.create(action=action, status_from="in_progress",
                                            status_to="done", text="Umgesetzt und bekannt "
                                            "gemacht.")


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.programme, ctx.participant)
