"""What a report says, before it is drawn: read from analysis (the same published figures as the
web pages) and arranged the way a reader meets them – at a glance, method, participation and the
overview (cluster and programme reports), the dimensions, where views diverge, the change since
the previous wave, then one chapter per dimension with every question, the other questions and
the released free texts under their question. PDF and DOCX (builder.py) draw the same content.

Built inside `translation.override(language)`: every label comes in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone, translation

from qdialog.analysis.engine import (
    DimensionResult,
    ItemResult,
    WaveResults,
    compare_waves,
    wave_results,
)
from qdialog.analysis.overview import Overview, wave_overview
from qdialog.qualitative.selectors import report_voices
from qdialog.surveys import schema
from qdialog.surveys.models import AccessCode, Wave

from .models import ReleasedText, ReportKind


@dataclass
class Question:
    """One row of a chapter: a question, or one row of a matrix question (`stem` is then the
    question it belongs to, and `label` the row's own words)."""

    result: ItemResult
    label: str
    stem: str = ""

    @property
    def code(self) -> str:
        return self.result.variable.name

    @property
    def distribution(self) -> list[tuple[str, float]]:
        """(scale point or option, share) – scale points by number, options by name."""
        variable, shares = self.result.variable, self.result.overall.shares or []
        language = (translation.get_language() or "de")[:2]
        return [(str(c.value) if variable.measure == "scale" else c.label(language), share)
                for c, share in zip(variable.choices, shares)]


@dataclass
class Run:
    """Questions shown together: one chart, one table."""

    stem: str
    questions: list[Question]
    chart: str | bytes = ""  # drawn for the page (figures.py)

    def __iter__(self):  # (stem, questions), as the chapters are walked
        return iter((self.stem, self.questions))

    @property
    def points(self) -> list[str]:
        """The scale points, when every question of the run has the same scale: the table
        then gives each point a column of its own."""
        scales = {tuple(c.value for c in q.result.variable.choices)
                  if q.result.variable.measure == "scale" else None for q in self.questions}
        if len(scales) != 1 or None in scales:
            return []
        return [str(value) for value in next(iter(scales))]


@dataclass
class Chapter:
    title: str
    dimension: DimensionResult | None
    questions: list[Question]

    @cached_property
    def stems(self) -> list[Run]:
        """The questions in runs of the same matrix question (stem "" for plain questions)."""
        runs: list[Run] = []
        for q in self.questions:
            if runs and runs[-1].stem == q.stem:
                runs[-1].questions.append(q)
            else:
                runs.append(Run(q.stem, [q]))
        return runs


@dataclass
class ReportContent:
    title: str
    subject: str
    kind: str
    language: str
    wave: Wave
    results: WaveResults
    codes_issued: int
    codes_used: int
    author: str = ""
    comparison: list = field(default_factory=list)
    previous: Wave | None = None
    chapters: list[Chapter] = field(default_factory=list)
    texts: list[tuple[str, list[str]]] = field(default_factory=list)
    #: "What participants say": codes of the qualitative analysis with their quotes
    voices: list = field(default_factory=list)
    priorities: list = field(default_factory=list)
    overview: Overview | None = None
    created: object = None

    @property
    def response_rate(self):
        return self.codes_used / self.codes_issued if self.codes_issued else None

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)

    @property
    def codes(self) -> list[str]:
        """Every question code the report shows (tests compare it with the instrument)."""
        return [q.code for chapter in self.chapters for q in chapter.questions]


def _chapters(results: WaveResults, instrument: schema.CInstrument, language) -> list[Chapter]:
    def question(item: ItemResult) -> Question:
        variable = item.variable
        citem = instrument.item_by_code[variable.item]
        if variable.name != variable.item:  # a matrix row or a ticked option
            stem = schema.pick(citem.texts, language)
            full = variable.label(language)
            return Question(item, full[len(stem) + 3:] if full.startswith(stem) else full, stem)
        return Question(item, variable.label(language))

    by_dimension: dict[str, list[Question]] = {}
    others: list[Question] = []
    for item in results.items:
        if item.variable.dimension:
            by_dimension.setdefault(item.variable.dimension, []).append(question(item))
        else:
            others.append(question(item))
    chapters = [Chapter(d.label, d, by_dimension.pop(d.name, [])) for d in results.dimensions]
    for name, questions in by_dimension.items():  # a dimension without a score (one question)
        chapters.append(Chapter(instrument.dimension_label(name, language), None, questions))
    if others:
        chapters.append(Chapter(translation.gettext("Further questions"), None, others))
    return chapters


def _texts(wave, ids, instrument, language) -> list[tuple[str, list[str]]]:
    """Released free texts under their question, in the questionnaire's order."""
    qs = ReleasedText.objects.filter(wave=wave, released=True)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    grouped: dict[str, list[str]] = {}
    for variable, text in qs.order_by("variable", "id").values_list("variable", "text"):
        grouped.setdefault(variable, []).append(text)
    order = {v.name: i for i, v in enumerate(instrument.variables)}
    out = []
    for name in sorted(grouped, key=lambda n: order.get(n, len(order))):
        variable = instrument.variable_by_name.get(name)
        out.append((variable.label(language) if variable else name, grouped[name]))
    return out


def _voices(wave, ids) -> list:
    """The codes given to the wave's released free texts, with quotes only from texts that are
    still released (a text withheld later drops out)."""
    voices = report_voices(wave=wave, municipality_ids=ids)
    released = set(ReleasedText.objects.filter(wave=wave, released=True).values_list(
        "fingerprint", flat=True))
    for voice in voices:
        voice.quotes = [text for text, source in voice.quotes
                        if source.rsplit(":", 1)[-1] in released]
    return voices


def build_content(wave, *, municipality=None, cluster=None, language="de") -> ReportContent:
    with translation.override(language):
        return _build(wave, municipality, cluster, language)


def _build(wave, municipality, cluster, language) -> ReportContent:
    ids = None
    kind = ReportKind.PROGRAMME
    subject = author = str(wave.programme)
    if municipality is not None:
        ids, subject, kind = [municipality.pk], str(municipality), ReportKind.MUNICIPALITY
        author = subject
    elif cluster is not None:
        ids = list(cluster.municipalities.values_list("pk", flat=True))
        subject, kind = str(cluster), ReportKind.CLUSTER
    elif wave.municipality_id:
        subject = author = str(wave.municipality)
        kind = ReportKind.MUNICIPALITY
    elif wave.cluster_id:
        subject, kind = str(wave.cluster), ReportKind.CLUSTER
    results = wave_results(wave, municipality_ids=ids)
    instrument = schema.compiled(wave.instrument)
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
    lowest = sorted((d for d in results.dimensions if d.overall.summary),
                    key=lambda d: d.overall.summary.mean)[:3]
    priorities = [("low", d) for d in lowest] + [("divergent", r)
                                                   for r in results.divergence[:3]]
    overview = None
    if kind != ReportKind.MUNICIPALITY and wave.municipality_id is None:
        # cluster and programme reports go to the programme's institute staff (reports/rules.py)
        overview = wave_overview(wave, ids, named=wave.programme.institute_sees_names)
    return ReportContent(
        title=instrument.title(language), subject=subject, kind=kind, language=language,
        wave=wave, results=results, codes_issued=figures["issued"],
        codes_used=figures["used"], author=author, comparison=comparison, previous=previous,
        chapters=_chapters(results, instrument, language) if results.n_shown else [],
        texts=_texts(wave, ids, instrument, language) if results.n_shown else [],
        voices=_voices(wave, ids) if results.n_shown else [],
        priorities=priorities, overview=overview, created=timezone.localdate())
