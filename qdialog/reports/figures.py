"""The charts of a report's chapters, drawn for the page (PDF as SVG, DOCX as PNG)."""

from __future__ import annotations

from qdialog.analysis import charts

from .content import ReportContent


def chapter_charts(content: ReportContent, fmt: str = "svg") -> None:
    """One chart per run of questions in each chapter (a matrix question's rows under its
    question), each small enough for its page."""
    for chapter in content.chapters:
        for run in chapter.stems:
            scale = [q for q in run.questions if q.result.variable.measure == "scale"]
            run.chart = charts.likert_bars([q.result for q in scale], fmt,
                                           labels=[q.label for q in scale], page=True) \
                if scale else ""
