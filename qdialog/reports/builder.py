"""Report content and its two renderings: PDF (WeasyPrint, SVG charts) and DOCX (python-docx,
PNG charts). Both read the same ReportContent, which reads analysis.engine like the web pages."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qdialog.analysis import charts
from qdialog.analysis.engine import WaveResults, compare_waves, wave_results
from qdialog.surveys.models import AccessCode, Wave

from .models import ReleasedText


@dataclass
class ReportContent:
    title: str
    subject: str
    wave: Wave
    results: WaveResults
    codes_issued: int
    codes_used: int
    comparison: list = field(default_factory=list)
    previous: Wave | None = None
    texts: list = field(default_factory=list)
    priorities: list = field(default_factory=list)
    created: object = None

    @property
    def response_rate(self):
        return self.codes_used / self.codes_issued if self.codes_issued else None


def build_content(wave, *, municipality=None, cluster=None) -> ReportContent:
    ids = None
    subject = str(wave.programme)
    if municipality is not None:
        ids, subject = [municipality.pk], str(municipality)
    elif cluster is not None:
        ids = list(cluster.municipalities.values_list("pk", flat=True))
        subject = str(cluster)
    elif wave.municipality_id:
        subject = str(wave.municipality)
    results = wave_results(wave, municipality_ids=ids)
    codes = AccessCode.objects.filter(wave=wave).exclude(kind="group")
    if ids is not None:
        codes = codes.filter(Q(municipality_id__in=ids) | Q(municipality__isnull=True,
                                                              wave__municipality_id__in=ids))
    figures = codes.aggregate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
    previous = (Wave.objects.filter(programme_id=wave.programme_id,
                                    instrument__family=wave.instrument.family,
                                    timepoint__lt=wave.timepoint)
                .order_by("-timepoint").first())
    comparison = compare_waves(previous, wave, municipality_ids=ids) if previous else []
    texts = []
    if results.n_shown:
        qs = ReleasedText.objects.filter(wave=wave, released=True)
        if ids is not None:
            qs = qs.filter(municipality_id__in=ids)
        texts = list(qs.order_by("variable", "id").values_list("variable", "text"))
    lowest = sorted((d for d in results.dimensions if d.overall.summary),
                    key=lambda d: d.overall.summary.mean)[:3]
    priorities = [("low", d) for d in lowest] + [("divergent", r)
                                                   for r in results.divergence[:3]]
    return ReportContent(
        title=wave.instrument.title_de, subject=subject, wave=wave, results=results,
        codes_issued=figures["issued"], codes_used=figures["used"], comparison=comparison,
        previous=previous, texts=texts, priorities=priorities, created=timezone.localdate())


def render_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML

    # matplotlib's SVG uses CSS properties WeasyPrint reports as unknown but draws correctly
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    with translation.override("de"):
        html = render_to_string("reports/report.html", {
            "c": content, "r": content.results,
            "profile_chart": charts.dimension_profile(content.results.dimensions),
            "divergence_chart": charts.divergence(content.results.divergence),
            "likert_chart": charts.likert_bars(content.results.items),
            "comparison_chart": charts.comparison(content.comparison, content.previous,
                                                  content.wave) if content.comparison else "",
        })
    return HTML(string=html).write_pdf()


def render_docx(content: ReportContent) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    r = content.results
    document = Document()
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(content.title, 0)
    document.add_paragraph(f"{content.subject} · {content.wave}")
    document.add_paragraph(f"Stand: {content.created:%d.%m.%Y}")

    document.add_heading("Methode", 1)
    method = document.add_paragraph(
        f"Befragung „{content.wave.instrument.title_de}“, {content.wave.opens_on:%d.%m.%Y} bis "
        f"{content.wave.closes_on:%d.%m.%Y}. Ausgewertete Antwortbögen: {r.n}.")
    if content.response_rate is not None:
        method.add_run(f" Rücklauf: {content.codes_used} von {content.codes_issued} "
                       f"persönlichen Codes ({content.response_rate:.0%}).")
    document.add_paragraph(
        "Anonymität: „×“ heißt: zum Schutz der Anonymität nicht gezeigt – die Gruppe hat "
        f"weniger als {r.minimum} Antwortbögen, oder ihre Angabe würde es erlauben, eine kleine "
        "Gruppe aus anderen Zahlen zu errechnen (auch aus denen anderer Kommunen, des Clusters "
        "oder des Programms). Für Gruppen wird je Frage nur der Mittelwert gezeigt, und nur ab "
        f"{r.minimum} Antworten.")
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Perspektive", "Antwortbögen"
    for g in r.perspective_groups:
        row = table.add_row().cells
        row[0].text = g.label
        row[1].text = str(g.n_group) if g.n_group is not None else "×"
    if not r.n_shown:
        document.add_paragraph(f"Es liegen weniger als {r.minimum} Antwortbögen vor. Zum Schutz "
                               "der Anonymität werden keine Ergebnisse gezeigt.")
        return _save(document)

    def picture(data):
        if data:
            document.add_picture(io.BytesIO(data), width=Cm(16))

    document.add_heading("Ergebnisse nach Dimensionen", 1)
    picture(charts.dimension_profile(r.dimensions, fmt="png"))
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Dimension", "n", "Mittelwert (95-%-KI)",
                                                "Cronbachs α"]):
        cell.text = text
    for d in r.dimensions:
        s = d.overall.summary
        row = table.add_row().cells
        row[0].text = d.label
        row[1].text = str(d.overall.n_valid or "–")
        row[2].text = (f"{s.mean:.2f} ({s.ci_low:.2f} – {s.ci_high:.2f})".replace(".", ",")
                       if s and s.ci_low is not None else "–")
        row[3].text = f"{d.alpha.value:.2f}".replace(".", ",") if d.alpha.value else "–"

    document.add_heading("Wo die Sichtweisen am weitesten auseinanderliegen", 1)
    picture(charts.divergence(r.divergence, fmt="png"))
    if content.comparison:
        document.add_heading(f"Veränderung seit {content.previous}", 1)
        document.add_paragraph(
            "Die Antworten sind anonym; beide Wellen werden als unabhängige Stichproben "
            "verglichen. Unterschiede können auch daher rühren, wer teilgenommen hat.")
        picture(charts.comparison(content.comparison, content.previous, content.wave,
                                  fmt="png"))
    document.add_heading("Antworten je Frage", 1)
    picture(charts.likert_bars(r.items, fmt="png"))
    if content.texts:
        document.add_heading("Freitextantworten (freigegeben)", 1)
        for _, text in content.texts:
            document.add_paragraph(text, style="List Bullet")
    document.add_heading("Vorschläge für die Schwerpunkte", 1)
    for kind, row in content.priorities:
        name = getattr(row, "label", None) or row.variable.label("de")
        reason = ("niedrigste Einschätzung" if kind == "low"
                  else "Sichtweisen liegen weit auseinander")
        document.add_paragraph(f"{name} – {reason}", style="List Number")
    return _save(document)


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
