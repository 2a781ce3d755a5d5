"""The demo's qualitative analysis (all fictional): the programme's category system in the
Mayring style, a project on the baseline's free-text answers coded by the institute and the
first model municipality's coordinator – some answers double-coded, finished, with their
agreement and one disagreement left for the consensus discussion."""

from __future__ import annotations

from .services import coder_finish, codings_add, document_add, document_update, project_create
from .system import code_create, system_create

# (name, parent, definition, anchor example, coding rule)
CODES = [
    ("Zusammenarbeit", None, "Aussagen über die Zusammenarbeit zwischen Institutionen im "
     "Kinderschutz.", "Mit dem ASD klappt die Abstimmung inzwischen gut.",
     "Nur wenn mindestens zwei Institutionen gemeint sind; sonst „Arbeitsbedingungen“."),
    ("Rückmeldung", "Zusammenarbeit", "Ob und wann meldende Stellen erfahren, was aus ihrer "
     "Mitteilung wurde.", "Wir hören nach einer Meldung nie wieder etwas.",
     "Auch fehlende Rückmeldung; nicht die Meldung selbst."),
    ("Erreichbarkeit", "Zusammenarbeit", "Ob Ansprechpersonen zu erreichen sind.",
     "Am Freitagnachmittag erreicht man niemanden.", "Telefon, Mail und Bereitschaft."),
    ("Beteiligung", None, "Beteiligung von Kindern, Jugendlichen und Eltern an "
     "Einschätzung und Hilfe.", "Die Eltern wurden zum Hilfeplangespräch eingeladen.",
     "Nur Beteiligung der Adressatinnen und Adressaten, nicht der Fachkräfte."),
    ("Arbeitsbedingungen", None, "Zeit, Personal, Fluktuation, Qualifizierung.",
     "Durch die vielen Wechsel im ASD fehlt Erfahrung.", "Bedingungen, nicht Abläufe."),
    ("Verfahren", None, "Abläufe, Checklisten, Dokumentation, Zuständigkeiten.",
     "Der Meldebogen ist zu lang.", "Wenn es um ein geregeltes Vorgehen geht."),
]

TEXTS = [
    ("Was sollte sich ändern?", "professional", "school",
     "Nach einer Meldung hören wir vom Jugendamt oft nichts mehr. Eine kurze Rückmeldung "
     "würde uns sehr helfen."),
    ("Was sollte sich ändern?", "professional", "health",
     "In der Klinik wissen wir nicht, wen wir am Wochenende anrufen können. Die "
     "Bereitschaft ist schwer zu erreichen."),
    ("Was läuft gut?", "professional", "youth_office",
     "Die Fallberatung im Team ist verlässlich. Neue Kolleginnen brauchen aber mehr "
     "Einarbeitung, weil viele gewechselt haben."),
    ("Was läuft gut?", "professional", "independent_provider",
     "Die Eltern werden inzwischen früher beteiligt. Das Hilfeplangespräch ist besser "
     "vorbereitet."),
    ("Was sollte sich ändern?", "professional", "school",
     "Der Meldebogen ist zu lang und fragt Dinge, die wir nicht wissen. Ein kürzerer Bogen "
     "wäre gut."),
    ("Was läuft gut?", "professional", "health",
     "Mit der Familienhebamme stimmen wir uns direkt ab. Das klappt gut."),
]


def step(ctx) -> None:
    staff, coordinator = ctx.staff, ctx.coordinator
    system = system_create(actor=staff, programme=ctx.programme,
                           name="Kinderschutz im Netzwerk – Kategoriensystem",
                           description="Deduktiv aus dem Leitfaden, ergänzt um induktive "
                                       "Kategorien aus der Baseline.")
    codes = {}
    for name, parent, definition, anchor, rule in CODES:
        codes[name] = code_create(actor=staff, system=system, name=name,
                                  parent=codes.get(parent), definition=definition,
                                  anchor_example=anchor, coding_rule=rule)
    codes["Einarbeitung"] = code_create(
        actor=coordinator, system=system, name="Einarbeitung", origin="inductive",
        municipality=ctx.first_model, parent=codes["Arbeitsbedingungen"],
        definition="Wie neue Fachkräfte im ASD eingearbeitet werden.")
    project = project_create(actor=staff, programme=ctx.programme, system=system,
                             title="Baseline: Was die Beteiligten sagen",
                             question="Wo sehen die Fachkräfte Stärken und Lücken im "
                                      "Kinderschutz?", unit="sentence",
                             coders=[staff, coordinator])
    documents = []
    for i, (question, perspective, group, text) in enumerate(TEXTS):
        documents.append(document_add(
            actor=staff, project=project, kind="free_text", title=f"{question} ({i + 1})",
            text=text, source=f"demo:{i}", municipality=ctx.first_model,
            attributes={"wave": "Baseline", "question": question, "perspective": perspective,
                        "professional_system": group}))
    first, second, third = documents[:3]
    for document in (first, second, third):
        document_update(actor=staff, document=document, double_coding=True)
        document.refresh_from_db()
    plan = {  # document -> coder -> [(code, sentence start text)]
        first: {staff: [("Rückmeldung", "Nach einer Meldung")],
                coordinator: [("Rückmeldung", "Nach einer Meldung"),
                              ("Rückmeldung", "Eine kurze")]},
        second: {staff: [("Erreichbarkeit", "In der Klinik"), ("Erreichbarkeit", "Die Bereit")],
                 coordinator: [("Erreichbarkeit", "Die Bereit")]},
        third: {staff: [("Verfahren", "Die Fallberatung"), ("Arbeitsbedingungen", "Neue")],
                coordinator: [("Verfahren", "Die Fallberatung"),
                              ("Arbeitsbedingungen", "Neue")]},
    }
    for document, by_coder in plan.items():
        for coder, items in by_coder.items():
            for code, begins in items:
                start = document.text.index(begins)
                end = document.text.find(".", start) + 1 or len(document.text)
                codings_add(actor=coder, document=document, codes=[codes[code]], start=start,
                            end=end)
            coder_finish(actor=coder, document=document)
    singles = [(documents[3], "Beteiligung"), (documents[4], "Verfahren"),
               (documents[5], "Zusammenarbeit")]
    for document, code in singles:
        codings_add(actor=staff, document=document, codes=[codes[code]], start=0,
                    end=len(document.text))
