"""Demo standards (fictional) in the first model municipality, in every state, with comments,
an open amendment, consent ratings with a minority, versions, a concept, and one template."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import Concept, Standard

DOCS = [
    ("standard", "Rückmeldung an Mitteilende", "referral", "organisation", "consultation",
     "Mitteilende Stellen erfahren oft nicht, was aus ihrer Mitteilung wurde.",
     "Keine Rückmeldung; Rückmeldung nur auf Nachfrage.",
     "Jede Mitteilung wird innerhalb eines Arbeitstags gesichtet.\n\n"
     "Die mitteilende Stelle erhält binnen einer Woche eine Rückmeldung, soweit der "
     "Datenschutz es erlaubt.",
     "Die fallführende Fachkraft gibt die Rückmeldung; die Teamleitung prüft monatlich."),
    ("standard", "Vier-Augen-Prinzip bei der Gefährdungseinschätzung", "risk", "team",
     "adopted", "Unter Zeitdruck wird allein entschieden.",
     "Einschätzung nur telefonisch, ohne alle Informationen.",
     "Jede Gefährdungseinschätzung wird von zwei Fachkräften gemeinsam vorgenommen.\n\n"
     "Alle vorliegenden Informationen, auch die der mitteilenden Stelle, liegen dabei vor.",
     "Täglich ein fester Zeitraum für Fallberatungen."),
    ("procedure", "Verfahren nach § 8a SGB VIII", "risk", "", "adopted", "", "",
     "Das Verfahren regelt die Schritte von der Mitteilung bis zur Schutzplanung.\n\n"
     "Freie Träger beziehen eine insoweit erfahrene Fachkraft ein.", ""),
    ("mission", "Leitbild Kinderschutz", "other", "", "adopted", "", "",
     "Kinderschutz ist eine gemeinsame Aufgabe aller Stellen im Landkreis.", ""),
    ("agreement", "Kooperationsvereinbarung mit den Kitas", "cooperation", "help_system",
     "agreed", "", "", "Kitas und Jugendamt benennen feste Ansprechpersonen.", ""),
    ("standard", "Übergabegespräch bei Zuständigkeitswechsel", "help_planning", "organisation",
     "draft", "Einschätzungen gehen beim Wechsel verloren.", "Nur die Akte wird übersandt.",
     "Bei jedem Zuständigkeitswechsel findet ein Übergabegespräch statt.", ""),
    ("standard", "Beteiligung von Kindern an der Hilfeplanung", "participation",
     "professional", "review", "", "",
     "Kinder werden altersgerecht an jedem Hilfeplangespräch beteiligt.", ""),
]


def load(municipality, coordinator, participant) -> None:
    today = timezone.localdate()
    for kind, title, area, level, status, challenge, errors, text, process in DOCS:
        standard = services.standard_create(actor=coordinator, municipality=municipality,
                                            fields={
            "kind": kind, "title": title, "area": area, "level": level, "challenge": challenge,
            "typical_errors": errors, "text": text, "process_design": process,
            "shared": title.startswith("Vier-Augen")})
        steps = {"draft": [], "consultation": ["consultation"],
                 "agreed": ["consultation", "agreed"],
                 "adopted": ["consultation", "agreed", "adopted"],
                 "review": ["consultation", "agreed", "adopted", "review"]}[status]
        for step in steps:
            services.set_status(actor=coordinator, standard=standard, status=step,
                                adopted_by="Jugendhilfeausschuss",
                                adopted_on=today - dt.timedelta(days=40))
        if status == "consultation":
            services.comment_add(actor=participant, standard=standard, field="text",
                                 paragraph=1, text="Eine Woche ist für Schulen zu lang.")
            services.amendment_propose(
                actor=participant, standard=standard, field="text", paragraph=1,
                proposal="Die mitteilende Stelle erhält binnen drei Arbeitstagen eine "
                         "Rückmeldung, soweit der Datenschutz es erlaubt.",
                reason="Schulen brauchen die Rückmeldung vor dem Wochenende.")
            services.consent_rate(actor=participant, standard=standard, value=2,
                          statement="Nur mit mehr Personal im ASD leistbar.")
            services.consent_rate(actor=coordinator, standard=standard, value=4)
            services.indicator_add(actor=coordinator, standard=standard, fields={
                "text": "Mitteilende Stellen fühlen sich informiert",
                "item_codes": "a79_kooperation"})
    Concept.objects.update_or_create(municipality=municipality, defaults={
        "introduction": "Dieses Qualitätskonzept bündelt die Standards, Verfahren und "
                        "Vereinbarungen, die die Akteure des Kinderschutzes im Landkreis "
                        "gemeinsam erarbeitet und der Jugendhilfeausschuss beschlossen hat."})
    assert Standard.objects.filter(municipality=municipality).count() == len(DOCS)


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.first_model, ctx.coordinator, ctx.participant)
