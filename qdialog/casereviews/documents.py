"""The published summary of a case review as PDF (WeasyPrint) and DOCX (python-docx): context in
coarse bands, the patterns and good practice found, the recommendations, and the summary text.
Chronology, episodes and hypotheses stay inside the municipality."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PatternKind


def content(review) -> dict:
    patterns = list(review.patterns.all())
    return {
        "review": review,
        "facts": [(_("Municipality"), str(review.municipality)),
                  (_("Method"), review.get_kind_display()),
                  (_("Trigger"), review.get_trigger_display()),
                  (_("Child"), f"{review.get_child_age_band_display()}, "
                               f"{review.get_child_sex_display()}, "
                               f"{review.get_known_to_services_display()}"),
                  (_("Published on"), review.published_on.strftime("%d.%m.%Y")
                   if review.published_on else _("draft"))],
        "patterns": [p for p in patterns if p.kind != PatternKind.GOOD_PRACTICE],
        "good_practice": [p for p in patterns if p.kind == PatternKind.GOOD_PRACTICE],
        "recommendations": list(review.recommendations.all()),
        "created": timezone.localdate(),
    }


def pdf(review) -> bytes:
    from weasyprint import HTML

    html = render_to_string("casereviews/summary_pdf.html", content(review))
    return HTML(string=html).write_pdf()


def docx(review) -> bytes:
    from docx import Document

    data = content(review)
    document = Document()
    document.add_heading(_("Case review: summary"), level=0)
    document.add_paragraph(review.title)
    table = document.add_table(rows=0, cols=2)
    for key, value in data["facts"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
    document.add_heading(_("Summary"), level=1)
    for paragraph in (review.summary or "–").split("\n"):
        document.add_paragraph(paragraph)
    for title, items in [(_("Underlying patterns"), data["patterns"]),
                         (_("Good practice"), data["good_practice"])]:
        document.add_heading(title, level=1)
        for p in items or []:
            document.add_paragraph(f"{p.get_kind_display()}: {p.description}",
                                   style="List Bullet")
        if not items:
            document.add_paragraph("–")
    document.add_heading(_("Recommendations"), level=1)
    for r in data["recommendations"]:
        document.add_paragraph(f"{r.text} ({_('addressed to')}: {r.get_addressee_display()}, "
                               f"{_('priority')}: {r.get_priority_display()})",
                               style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
