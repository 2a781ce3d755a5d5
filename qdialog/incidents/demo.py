"""Demo reports (all fictional): reporting systems in the first model municipalities, with
published, checked and new reports, and a case of the month."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import IncidentReport, IncidentStatus
from .services import _new_code, code_hash, system_create

# (professional group, phase, age band, what happened, outcome, what helped, harm, frequency,
#  category, expert comment, title for publication)
CASES = [
    ("school", "referral", "6-9",
     "Eine Mitteilung der Schule an den ASD ging an ein Funktionspostfach, das während des "
     "Urlaubs niemand las. Erst nach zwei Wochen fragte die Schule telefonisch nach.",
     "Die Gefährdungseinschätzung begann verspätet; dem Kind ist nichts geschehen.",
     "Eine Abwesenheitsnotiz mit Vertretung und eine Eingangsbestätigung an die Schule.",
     "potential", "sometimes", "information",
     "Funktionspostfächer brauchen eine verbindliche Vertretungsregel und eine automatische "
     "Eingangsbestätigung. Der ASD prüft das für alle Postfächer.",
     "Mitteilung bleibt im Postfach liegen"),
    ("health", "handover", "u1",
     "Bei der Entlassung eines Säuglings aus der Klinik war nicht klar, wer die Familie "
     "weiter begleitet. Die Familienhebamme erfuhr davon erst eine Woche später.",
     "Die erste Woche zu Hause war ohne Begleitung.",
     "Ein Entlassgespräch mit Frühen Hilfen, Klinik und Familie.",
     "potential", "often", "transition",
     "Das Netzwerk Frühe Hilfen erarbeitet einen Ablauf für Entlassgespräche.",
     "Entlassung ohne Übergabe"),
    ("youth_office", "risk_assessment", "3-5",
     "Die Einschätzung im Vier-Augen-Prinzip fand nur telefonisch statt, weil die Kollegin im "
     "Außendienst war. Wichtige Hinweise aus der Kita lagen dabei nicht vor.",
     "Die Einschätzung wurde am nächsten Tag mit den Kita-Hinweisen wiederholt.",
     "Ein fester Zeitraum für Fallberatungen am Nachmittag.",
     "none", "sometimes", "assessment",
     "Das Vier-Augen-Prinzip braucht alle vorliegenden Informationen. Eine Checkliste hilft.",
     "Einschätzung ohne die Hinweise der Kita"),
    ("kita", "referral", "3-5",
     "Die Kita wusste nicht, ob sie die Eltern vor einer Mitteilung an das Jugendamt "
     "informieren soll, und wartete ab.",
     "Die Mitteilung kam drei Tage später.",
     "Die insoweit erfahrene Fachkraft hätte früher beraten können.",
     "potential", "rare", "cooperation",
     "Die Kita-Träger erhalten eine kurze Handreichung zum Vorgehen nach § 8a.",
     "Unsicherheit vor der Mitteilung"),
    ("independent_provider", "help", "10-13",
     "Ein Hilfeplangespräch wurde dreimal verschoben, weil Termine nicht abgestimmt waren.",
     "Die Hilfe lief zwei Monate ohne aktuelle Ziele.", "",
     "none", "often", "resources",
     "Gemeinsame Terminfenster für Hilfeplangespräche werden im Werkstattteam besprochen.",
     "Hilfeplanung ohne Termin"),
    ("police", "first_assessment", "14-17",
     "Nach einem Einsatz in der Nacht erreichte die Polizei den Bereitschaftsdienst nicht "
     "sofort, weil eine alte Nummer im Einsatzleitsystem hinterlegt war.",
     "Der Bereitschaftsdienst kam eine Stunde später.",
     "Ein jährlicher Abgleich der Kontaktdaten.",
     "potential", "rare", "tools",
     "Die Kontaktliste wird jährlich in der Netzwerkkonferenz abgeglichen.",
     "Alte Nummer im Einsatzleitsystem"),
]


def load(programme, coordinator) -> None:
    today = timezone.localdate()
    for m_index, municipality in enumerate(
            programme.municipalities.filter(cluster_role="model").order_by("name")[:3]):
        reviewer = coordinator if municipality.memberships.filter(user=coordinator).exists() \
            else None
        system = system_create(actor=reviewer, programme=programme, municipality=municipality)
        system.statement = ("Die Leitung des Jugendamts sichert zu: Meldungen werden nicht "
                            "genutzt, um Personen zu suchen oder zu sanktionieren.")
        system.save(update_fields=["statement"])
        system.reviewers.add(*[m.user for m in municipality.memberships.filter(
            role="municipal_coordinator").select_related("user")])
        reports = []
        for index in range(10):
            case = CASES[(index + m_index) % len(CASES)]
            group, phase, age, happened, outcome, helped, harm, freq, cat, comment, title = case
            # 4 published, 3 checked, 3 new
            status = (IncidentStatus.PUBLISHED if index < 4 else IncidentStatus.CHECKED
                      if index < 7 else IncidentStatus.RECEIVED)
            received = today - dt.timedelta(days=12 * (10 - index))
            reports.append(IncidentReport(
                system=system, received_on=received, professional_group=group, phase=phase,
                child_age_band=age, what_happened=happened, outcome=outcome,
                what_helped=helped, harm=harm, frequency=freq, consent_to_publish=index != 5,
                code_hash=code_hash(_new_code()), status=status,
                original={} if status != IncidentStatus.RECEIVED else {
                    "what_happened": happened, "outcome": outcome, "what_helped": helped},
                category=cat if status != IncidentStatus.RECEIVED else "",
                expert_comment=comment if status != IncidentStatus.RECEIVED else "",
                answered_on=received + dt.timedelta(days=5)
                if status != IncidentStatus.RECEIVED else None,
                publication_title=title if status == IncidentStatus.PUBLISHED else "",
                publication_text=happened if status == IncidentStatus.PUBLISHED else "",
                published_on=received + dt.timedelta(days=9)
                if status == IncidentStatus.PUBLISHED else None,
                featured=index == 3))
        IncidentReport.objects.bulk_create(reports)


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.programme, ctx.coordinator)
