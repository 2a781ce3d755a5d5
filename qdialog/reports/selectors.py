"""What the reports pages show: the reports of a wave a person may see, and the free-text
answers of a municipality waiting to be released."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from qdialog.analysis.access import reads_whole_wave
from qdialog.surveys import schema
from qdialog.surveys.models import Response, WaveStatus

from . import services
from .models import ReleasedText, Report


def reports_visible(*, scope, user, wave):
    """The newest 50 reports of the wave the person may see."""
    reports = Report.objects.filter(wave=wave).select_related("wave__programme", "municipality",
                                                              "cluster")
    if not reads_whole_wave(scope, wave):
        reports = reports.filter(requested_by=user)
    return reports[:50]


def report_refusal(*, wave) -> str | None:
    """Why no report of the wave can be built now, or None."""
    if wave.status != WaveStatus.CLOSED:
        return _("Reports can be built once the survey has ended.")
    return None


def free_texts(*, wave, municipality):
    """(entries, enough): the free-text answers of a closed wave in one municipality, each with
    its decision so far, by question and then alphabetically – never one respondent's texts next
    to each other. None of them before the wave has closed or below the group size."""
    instrument = schema.compiled(wave.instrument)
    variables = [v for v in instrument.variables if v.measure == "text"
                 and not v.name.endswith("__other")]
    if wave.status != WaveStatus.CLOSED:
        return [], False
    rows = Response.objects.filter(wave=wave, municipality=municipality)
    if rows.count() < max(3, wave.min_group_size):
        return [], False
    decided = {r.fingerprint: r for r in ReleasedText.objects.filter(
        wave=wave, municipality=municipality)}
    entries = []
    for answers in rows.values_list("answers", flat=True).iterator():
        for v in variables:
            text = answers.get(v.name)
            if isinstance(text, str) and text not in schema.SPECIAL:
                entries.append((v, text, decided.get(services.fingerprint(text))))
    order = {v.name: i for i, v in enumerate(variables)}
    entries.sort(key=lambda e: (order[e[0].name], e[1].casefold()))
    return entries, True


@dataclass
class FreeText:
    variable: object
    text: str
    decision: object  # ReleasedText or None
    key: str  # the text's fingerprint: what the release form posts

    @property
    def actions(self):
        return [("release", _("Release")), ("withhold", _("Withhold"))]


def free_texts_by_question(*, wave, municipality):
    """(questions, enough): the free-text answers as in free_texts(), under their question:
    [(variable, [FreeText], counts)] with counts of released, withheld and undecided."""
    entries, enough = free_texts(wave=wave, municipality=municipality)
    grouped: dict[str, tuple] = {}
    for variable, text, decision in entries:
        grouped.setdefault(variable.name, (variable, []))[1].append(
            FreeText(variable, text, decision, services.fingerprint(text)))
    questions = []
    for variable, texts in grouped.values():
        counts = {"released": sum(1 for t in texts if t.decision and t.decision.released),
                  "withheld": sum(1 for t in texts if t.decision and not t.decision.released)}
        counts["open"] = len(texts) - counts["released"] - counts["withheld"]
        questions.append((variable, texts, counts))
    return questions, enough
