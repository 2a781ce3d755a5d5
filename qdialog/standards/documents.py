"""The quality concept as PDF (WeasyPrint, with a table of contents and page numbers) and as
DOCX (python-docx, with a Word table-of-contents field that Word fills on opening)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .models import Concept, Standard, StandardKind, StandardStatus

CHAPTERS = {StandardKind.STANDARD: _l("Standards"), StandardKind.PROCEDURE: _l("Procedures"),
            StandardKind.AGREEMENT: _l("Cooperation agreements"),
            StandardKind.MISSION: _l("Mission statement")}


def content(municipality) -> dict:
    concept = Concept.objects.filter(municipality=municipality).first()
    adopted = list(Standard.objects.filter(municipality=municipality, status=StandardStatus.ADOPTED)
                   .prefetch_related("indicators").order_by("kind", "area", "title"))
    chapters = [(CHAPTERS[value], [s for s in adopted if s.kind == value])
                for value in StandardKind.values]
    return {"municipality": municipality,
            "title": concept.title if concept else _("Quality concept child protection"),
            "introduction": concept.introduction if concept else "",
            "chapters": [(label, items) for label, items in chapters if items],
            "created": timezone.localdate()}


def pdf(municipality) -> bytes:
    from weasyprint import HTML

    html = render_to_string("standards/concept_pdf.html", content(municipality))
    return HTML(string=html).write_pdf()


def _toc(document):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin, instr, separate, text, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                         OxmlElement("w:fldChar"), OxmlElement("w:t"),
                                         OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    text.text = _("Right-click to update the table of contents.")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def docx(municipality) -> bytes:
    from docx import Document

    data = content(municipality)
    document = Document()
    document.add_heading(data["title"], level=0)
    document.add_paragraph(f"{municipality} · {data['created']:%d.%m.%Y}")
    document.add_heading(_("Contents"), level=1)
    _toc(document)
    document.add_heading(_("Introduction"), level=1)
    for paragraph in (data["introduction"] or "–").split("\n\n"):
        document.add_paragraph(paragraph)
    for label, items in data["chapters"]:
        document.add_heading(str(label), level=1)
        for s in items:
            document.add_heading(s.title, level=2)
            meta = f"{s.get_area_display()}"
            if s.level:
                meta += f" · {s.get_level_display()}"
            meta += f" · {_('adopted by')} {s.adopted_by}, {s.adopted_on:%d.%m.%Y}"
            document.add_paragraph(meta).italic = True
            for name, heading in [("challenge", _("Challenge")),
                                  ("typical_errors", _("Typical errors")),
                                  ("text", _("Standard")),
                                  ("process_design", _("Process design"))]:
                value = getattr(s, name)
                if value:
                    document.add_heading(heading, level=3)
                    for paragraph in value.split("\n\n"):
                        document.add_paragraph(paragraph)
            indicators = list(s.indicators.all())
            if indicators:
                document.add_heading(_("Indicators"), level=3)
                for indicator in indicators:
                    document.add_paragraph(indicator.text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
