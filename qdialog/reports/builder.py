"""A report's two renderings of the same content (content.py): PDF with WeasyPrint and SVG
charts drawn at the size of the A4 text column, DOCX with python-docx and the same charts as
PNG (word.py). Both in the report's language."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import translation

from qdialog.analysis import charts

from .content import ReportContent, build_content  # noqa: F401 - the jobs call builder.*
from .figures import chapter_charts
from .word import render_docx  # noqa: F401


def render_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML

    # matplotlib's SVG uses CSS properties WeasyPrint reports as unknown but draws correctly
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with translation.override(content.language):
        r = content.results
        chapter_charts(content)
        html = render_to_string("reports/report.html", {
            "c": content, "r": r, "chapters": content.chapters,
            "perspectives": list(r.perspective_groups),
            "profile_chart": charts.dimension_profile(r.dimensions, page=True),
            "divergence_chart": charts.divergence(r.divergence, page=True),
            "comparison_chart": charts.comparison(content.comparison, content.previous,
                                                  content.wave, page=True)
            if content.comparison else "",
        })
    document = HTML(string=html).render()
    document.metadata.title = f"{content.title} – {content.subject}"
    document.metadata.authors = [content.author]
    document.metadata.lang = content.language
    document.metadata.generator = "qdialog"
    return document.write_pdf()
