"""The demo's qualitative analysis (all fictional): the programme's category system in the
Mayring style with a local code, a project on the baseline's free-text answers of the first
model municipality (released by its coordinator, as before a report) coded by the institute
and the coordinator – four answers double-coded and finished, one of them read differently,
for the agreement figures and the consensus discussion – two quotes for the reports, and a
group discussion transcript whose name was replaced after the identifier check."""

from __future__ import annotations

from qdialog.reports.selectors import free_texts
from qdialog.reports.services import texts_decide
from qdialog.surveys.models import Wave

from .material import gather_free_texts
from .models import Document, Round
from .services import (
    coder_finish,
    coding_update,
    codings_add,
    document_add,
    document_update,
    finding_resolve,
    project_create,
)
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

#: which code a baseline free text gets, by a word in it
KEYWORDS = [("Kitas", "Zusammenarbeit"), ("Netzwerk", "Zusammenarbeit"),
            ("Fortbildungen", "Zusammenarbeit"), ("erreichbar", "Erreichbarkeit"),
            ("Kurze Wege", "Erreichbarkeit"), ("Rückmeldungen", "Rückmeldung"),
            ("Übergaben", "Verfahren"), ("Fallbesprechungen", "Verfahren"),
            ("Zeit", "Arbeitsbedingungen"), ("Eltern", "Beteiligung")]

TRANSCRIPT = (
    "Moderation: Was hat sich seit der Bestandsaufnahme verändert?\n\n"
    "ASD: Die Rückmeldungen an die Schulen kommen jetzt meistens innerhalb einer Woche. "
    "Frau Kaya aus der Grundschule hat das in der letzten Runde ausdrücklich gesagt.\n\n"
    "Kita: Am Freitagnachmittag erreichen wir beim Jugendamt immer noch niemanden. "
    "Dann warten wir bis Montag.\n\n"
    "Schule: Die Eltern verstehen oft nicht, warum das Jugendamt kommt. Das müsste man "
    "ihnen besser erklären.")


def _release_baseline_texts(ctx, wave):
    """The coordinator of the first model municipality releases its baseline free texts, as
    before a report."""
    entries, enough = free_texts(wave=wave, municipality=ctx.first_model)
    if enough:
        texts = sorted({(v.name, text) for v, text, _decision in entries})
        texts_decide(actor=ctx.coordinator, wave=wave, municipality=ctx.first_model,
                     texts=texts, release=True)


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
                                      "Kinderschutz?", unit="sentence", in_reports=True,
                             coders=[staff, coordinator])
    baseline = Wave.objects.filter(programme=ctx.programme, timepoint=0).first()
    if baseline is None:
        return
    _release_baseline_texts(ctx, baseline)
    gather_free_texts(actor=staff, project=project, wave=baseline, municipality=ctx.first_model)
    documents = list(Document.objects.filter(project=project).order_by("title", "text"))

    def code_of(text):
        return next((codes[name] for word, name in KEYWORDS if word in text),
                    codes["Zusammenarbeit"])

    # the first four answers double-coded; the coordinator reads one of them differently
    for n, document in enumerate(documents[:4]):
        document_update(actor=staff, document=document, double_coding=True)
        document.refresh_from_db()
        own = code_of(document.text)
        codings_add(actor=staff, document=document, codes=[own], start=0,
                    end=len(document.text))
        other = codes["Verfahren"] if n == 1 and own != codes["Verfahren"] else own
        codings_add(actor=coordinator, document=document, codes=[other], start=0,
                    end=len(document.text))
        coder_finish(actor=staff, document=document)
        coder_finish(actor=coordinator, document=document)
    for document in documents[4:]:
        [coding] = codings_add(actor=staff, document=document, codes=[code_of(document.text)],
                               start=0, end=len(document.text))
        if document.text.startswith(("Rückmeldungen", "Eltern")):
            coding_update(actor=staff, coding=coding, quote=True)
    transcript = document_add(actor=coordinator, project=project, kind="transcript",
                              title="Gruppendiskussion Netzwerkkonferenz", text=TRANSCRIPT,
                              municipality=ctx.first_model, check=True)
    if transcript.findings:
        transcript = finding_resolve(actor=coordinator, document=transcript, index=0,
                                     replacement="[Lehrerin]")
    for begins, code in (("Die Rückmeldungen", "Rückmeldung"),
                         ("Am Freitagnachmittag", "Erreichbarkeit"),
                         ("Die Eltern", "Beteiligung")):
        start = transcript.text.index(begins)
        end = transcript.text.find(".", start) + 1
        codings_add(actor=coordinator, document=transcript, codes=[codes[code]], start=start,
                    end=end, round=Round.OWN)
