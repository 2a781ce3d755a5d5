"""The report as a Word document (python-docx): the same content and order as the PDF, on A4,
with the document properties set (title, author, language), a cover, a contents field that
Word fills when the file is opened, page numbers, and every chart at a size that fits its page.
Its texts are the PDF's (the same messages), in the report's language."""

from __future__ import annotations

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _

from qdialog.analysis import charts

from .content import ReportContent
from .figures import chapter_charts

WIDTH_CM = 16.4  # the A4 text column with 2.25 cm margins (16.5 cm), rounded down
MAX_CHART_CM = 21.0


def _number(value, digits=2) -> str:
    return "–" if value is None else formats.number_format(value, digits)


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _mean(group) -> str:
    summary = getattr(group, "summary", None)
    if summary is not None and summary.mean is not None:
        return _number(summary.mean)
    return "×" if getattr(group, "n_group", 0) is None else "–"


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


class _Writer:
    def __init__(self, content: ReportContent):
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Pt

        self.c, self.r = content, content.results
        self.Cm, self.Pt = Cm, Pt
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.25)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.2)
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = "DejaVu Sans", Pt(9.5)
        props = self.doc.core_properties
        props.title = f"{content.title} – {content.subject}"
        props.author = props.last_modified_by = content.author
        props.subject = f"{content.kind_label} · {content.wave}"
        props.language = content.language
        props.keywords = "qdialog"
        props.comments = _("Made with qdialog.")

    # -- building blocks ---------------------------------------------------------------------
    def heading(self, text, level=1):
        return self.doc.add_heading(str(text), level)

    def para(self, text, style=None):
        return self.doc.add_paragraph(str(text), style=style)

    def table(self, header, rows, *, size=8.5, numeric_from=1):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = str(text)
            cell.paragraphs[0].runs[0].bold = True
        for values in rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, values)):
                cell.text = str(text)
                if i >= numeric_from:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = self.Pt(size)
        self.doc.add_paragraph()
        return table

    def picture(self, png: bytes | str):
        if not png:
            return
        from docx.image.image import Image

        image = Image.from_blob(png)
        width = WIDTH_CM
        height = width * image.px_height / image.px_width
        if height > MAX_CHART_CM:  # a tall chart is narrowed until it fits its page
            width = width * MAX_CHART_CM / height
        self.doc.add_picture(io.BytesIO(png), width=self.Cm(width))

    def field(self, paragraph, instruction: str, placeholder: str = ""):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        run = paragraph.add_run()
        for kind in ("begin", None, "separate", "end"):
            if kind is None:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = instruction
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
            if kind == "separate" and placeholder:
                text = OxmlElement("w:t")
                text.text = placeholder
                run._r.append(text)

    def page_break(self):
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # -- the parts ---------------------------------------------------------------------------
    def cover(self):
        c = self.c
        self.para(c.kind_label)
        self.doc.add_heading(c.title, 0)
        self.para(c.subject).runs[0].font.size = self.Pt(16)
        self.para(f"{c.wave} · {_date(c.wave.opens_on)} – {_date(c.wave.closes_on)}")
        if c.kind != "programme":
            self.para(str(c.wave.programme))
        self.para(_("Report of %(date)s") % {"date": _date(c.created)})
        self.para(_("Made with qdialog. All results rest on anonymous answers; groups with fewer "
                    "than %(n)s answer sets are not shown.") % {"n": self.r.minimum})
        self.page_break()
        self.heading(_("Contents"), 1)
        self.field(self.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u',
                   _("The contents are filled in when the document is opened (or with F9)."))
        self.page_break()

    def footer(self):
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        paragraph = section.footer.paragraphs[0]
        paragraph.text = f"{self.c.subject} · {self.c.wave.title} · {_('Page')} "
        self.field(paragraph, "PAGE", "1")
        paragraph.add_run(f" {_('of')} ")
        self.field(paragraph, "NUMPAGES", "1")
        for run in paragraph.runs:
            run.font.size = self.Pt(8)
        # ask Word to fill the contents and the page fields when the file is opened
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.doc.settings.element.append(update)

    def glance(self):
        c, r = self.c, self.r
        self.heading(_("At a glance"))
        facts = [f"{r.n} {_('answer sets')}"]
        if c.response_rate is not None:
            facts.append(f"{_pct(c.response_rate)} {_('response rate')}")
        if c.overview and c.overview.available:
            facts.append(f"{len(c.overview.participation)} {_('municipalities')}")
        self.para(" · ".join(facts))
        if r.n_shown and c.priorities:
            self.heading(_("Suggested priorities"), 2)
            self.para(_("A starting point for the quality development workshops: the dimensions "
                        "rated lowest, and the topics on which the views lie furthest apart."))
            for kind, row in c.priorities:
                name = getattr(row, "label", None) or row.variable.label(c.language)
                if kind == "low":
                    reason = _("rated lowest (%(mean)s)") % {
                        "mean": _number(row.overall.summary.mean)}
                else:
                    reason = _("views lie far apart (%(sd)s standard deviations)") % {
                        "sd": _number(row.spread_std)}
                self.para(f"{name} – {reason}", style="List Number")

    def method(self):
        c, r = self.c, self.r
        self.heading(_("Method and participation"))
        text = _("Survey “%(title)s” (version %(version)s), from %(start)s to %(end)s. %(n)s "
                 "answer sets were analysed.") % {
            "title": c.title, "version": c.wave.instrument.version,
            "start": _date(c.wave.opens_on), "end": _date(c.wave.closes_on), "n": r.n}
        if c.response_rate is not None:
            text += " " + _("%(used)s of %(issued)s personal codes were used (response rate "
                            "%(rate)s).") % {"used": c.codes_used, "issued": c.codes_issued,
                                             "rate": _pct(c.response_rate)}
        self.para(text)
        self.table([_("Perspective"), _("Answer sets")],
                   [(g.label, "×" if g.n_group is None else g.n_group)
                    for g in r.perspective_groups])
        self.para(_("Anonymity: “×” means not shown to protect anonymity – the group has fewer "
                    "than %(n)s answer sets, or showing it would let a small group be worked out "
                    "from other figures (including those of other municipalities, the cluster or "
                    "the programme). For groups only the mean per question is shown, and only "
                    "from %(n)s answers. Means use the scale points (1 to 5); “don't know” and "
                    "unanswered questions do not count.") % {"n": r.minimum})
        o = c.overview
        if o and o.available:
            self.heading(_("Participation"), 2)
            header = [_("Invited"), _("Answered"), _("Response rate"), _("Answer sets")]
            if o.cluster_participation:
                self.table([_("Cluster"), *header], [
                    (p.label, p.invited, p.answered, _pct(p.rate), p.answer_sets)
                    for p in o.cluster_participation])
            self.table([_("Municipality"), *header], [
                (p.label, p.invited, p.answered, _pct(p.rate), p.answer_sets)
                for p in o.participation])

    def overview(self):
        o = self.c.overview
        if not (o and o.available):
            return
        self.heading(_("The municipalities at a glance"))
        numbers = [str(i) for i in range(1, len(o.dimensions) + 1)]
        for number, (_name, label) in zip(numbers, o.dimensions):
            self.para(f"{number}. {label}")

        def cells(row):
            return ["×" if c.mean is None else _number(c.mean) for c in row.cells]

        if o.clusters:
            self.heading(_("Clusters"), 2)
            self.table([_("Cluster"), "n", *numbers],
                       [(row.label, row.n, *cells(row)) for row in o.clusters], size=7)
        if o.kinds:
            self.heading(_("Kinds of municipality"), 2)
            self.table([_("Municipalities"), _("number"), *numbers],
                       [(row.label, row.municipalities, *cells(row)) for row in o.kinds], size=7)
        self.heading(_("Municipalities"), 2)
        if o.named:
            self.table([_("Municipality"), "n", *numbers],
                       [(row.label, row.n, *cells(row)) for row in o.municipalities], size=7)
        else:
            self.table([_("Municipality"), *numbers],
                       [(row.label, *cells(row)) for row in o.municipalities], size=7)

    def results(self):
        c, r = self.c, self.r
        self.heading(_("Results by dimension"))
        self.picture(charts.dimension_profile(r.dimensions, fmt="png", page=True))
        self.table([_("Dimension"), "n", _("Mean"), _("95 % CI"), _("Cronbach's α")], [
            (d.label, "×" if d.overall.n_valid is None else d.overall.n_valid, _mean(d.overall),
             f"{_number(d.overall.summary.ci_low)} – {_number(d.overall.summary.ci_high)}"
             if d.overall.summary and d.overall.summary.ci_low is not None else "–",
             _number(d.alpha.value)) for d in r.dimensions])
        self.heading(_("Where views diverge most"))
        if not r.divergence:
            self.para(_("Views can be compared only where at least two perspectives have %(n)s "
                        "or more answers to a question. Here that is not the case for any "
                        "question, so this part stays empty: more answers from the smaller "
                        "groups at the next survey would make it possible.") % {"n": r.minimum})
        else:
            self.picture(charts.divergence(r.divergence, fmt="png", page=True))
            self.table([_("Dimension or question"), *[g.label for g in r.perspective_groups],
                        _("Distance"), _("in SD")], [
                (getattr(row, "label", None) or row.variable.label(c.language),
                 *[_mean(g) for g in row.by_perspective], _number(row.spread),
                 _number(row.spread_std)) for row in r.divergence[:10]], size=7.5)
        if c.comparison:
            self.heading(_("Change since %(previous)s") % {"previous": c.previous})
            self.para(_("The answers are anonymous, so both surveys are compared as independent "
                        "samples. Differences can also come from who took part. Hedges' g is the "
                        "difference in standard deviations (about 0.2 small, 0.5 medium, 0.8 "
                        "large)."))
            self.picture(charts.comparison(c.comparison, c.previous, c.wave, fmt="png",
                                           page=True))
            rows = []
            for row in c.comparison:
                if row.kind == "dimension" and row.difference:
                    d = row.difference
                    rows.append((row.label, _number(row.a.mean), _number(row.b.mean),
                                 f"{_number(d.diff)} ({_number(d.ci_low)} – {_number(d.ci_high)})",
                                 f"{_number(d.g)} ({_number(d.g_low)} – {_number(d.g_high)})"))
            self.table([_("Dimension"), c.previous.title, c.wave.title,
                        _("Difference (95 % CI)"), _("Hedges' g (95 % CI)")], rows, size=8)

    def chapters(self):
        chapter_charts(self.c, fmt="png")
        self.heading(_("Answers per question"))
        for chapter in self.c.chapters:
            self.heading(chapter.title, 2)
            for run in chapter.stems:
                stem, questions = run.stem, run.questions
                if stem:
                    self.para(stem).runs[0].bold = True
                self.picture(run.chart)
                self.table([_("Row") if stem else _("Question"), "n", _("Mean"), _("Median"),
                            *(run.points or [_("Distribution")]), _("don't know")],
                           [_question_cells(q, run.points) for q in questions], size=8)
                if self.r.perspective_groups:
                    self.table([_("Mean by perspective"),
                                *[g.label for g in self.r.perspective_groups]],
                               [(q.label, *[_mean(g) for g in q.result.by_perspective])
                                for q in questions], size=8)
        if self.c.texts:
            self.heading(_("Free-text answers (released)"))
            for question, texts in self.c.texts:
                self.heading(question, 2)
                for text in texts:
                    self.para(text, style="List Bullet")
        if self.c.voices:
            self.heading(_("What participants say"))
            self.para(_("The codes of the qualitative analysis given to the released free-text "
                        "answers, the most frequent first; a code is named only when enough "
                        "answers carry it. Below each, passages chosen as quotes."))
            for voice in self.c.voices:
                self.heading(voice.code.name, 2)
                if voice.code.definition:
                    self.para(voice.code.definition)
                for quote in voice.quotes:
                    self.para(f"„{quote}“", style="List Bullet")


def _question_cells(q, points) -> list[str]:
    o = q.result.overall
    if points:
        shares = [_pct(share) for _, share in q.distribution] or ["×"] * len(points)
    else:
        shares = [" · ".join(f"{label} {_pct(share)}" for label, share in q.distribution)]
    return [q.label, "×" if o.n_valid is None else str(o.n_valid), _mean(o),
            _number(o.summary.median, 1) if o.summary else "–", *shares,
            "–" if o.dont_know is None else str(o.dont_know)]


def render_docx(content: ReportContent) -> bytes:
    with translation.override(content.language):
        writer = _Writer(content)
        writer.cover()
        writer.footer()
        writer.glance()
        writer.method()
        writer.overview()
        if content.results.n_shown:
            writer.results()
            writer.chapters()
        else:
            writer.para(_("There are fewer than %(n)s answer sets. To protect anonymity, no "
                          "results are shown.") % {"n": content.results.minimum})
        out = io.BytesIO()
        writer.doc.save(out)
        return out.getvalue()
