"""The figures and charts of a results page, kept in the cache once drawn.

The results of a closed wave do not change: the disclosure plan is fixed with the answer sets
it was made for. So what a unit's results page shows – the published figures and their charts,
in one language – is drawn once and then read from the cache (the database cache or Redis in
production, shared by every worker). The key holds the fingerprint of the wave's answer sets,
so if they change (an answer set deleted by the retention job), the page is drawn anew.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qdialog.disclosure.services import fingerprint, plan_for
from qdialog.surveys.models import WaveStatus

from . import charts
from .access import wave_municipalities
from .engine import scope_unit, wave_results


def question_groups(result) -> list[dict]:
    """The questions by dimension, in the dimensions' order; those of no dimension last."""
    by_dimension: dict[str, list] = {}
    for item in result.items:
        by_dimension.setdefault(item.variable.dimension, []).append(item)
    groups = []
    for d in result.dimensions:
        items = by_dimension.pop(d.name, [])
        if items:
            groups.append({"title": d.label, "items": items,
                           "mean": d.overall.summary.mean if d.overall.summary else None})
    for name, items in by_dimension.items():
        groups.append({"title": name or _("Further questions"), "items": items,
                       "mean": None})
    for group in groups:
        group["chart"] = charts.likert_bars(group["items"])
    return groups


def _draw(wave, municipality_ids, publish=True) -> dict:
    result = wave_results(wave, municipality_ids=municipality_ids, publish=publish)
    return {"r": result,
            "profile_chart": charts.dimension_profile(result.dimensions),
            "divergence_chart": charts.divergence(result.divergence),
            "question_groups": question_groups(result)}


def results_page(wave, municipality_ids, *, publish: bool = True) -> dict:
    """{"r": WaveResults, "profile_chart", "divergence_chart", "question_groups"} of a unit.
    Read by a person (`publish`), the results count as published from today, drawn or not."""
    if wave.status != WaveStatus.CLOSED or not settings.QDIALOG_RESULTS_CACHE_SECONDS:
        return _draw(wave, municipality_ids, publish)
    if publish:
        plan_for(wave, publish=True)
    unit = scope_unit(wave, municipality_ids)
    key = (f"results-page:v2:{wave.pk}:{fingerprint(wave)}:{unit}:"
           f"{(get_language() or 'de')[:5]}")
    page = cache.get(key)
    if page is None:
        page = _draw(wave, municipality_ids, publish)
        cache.set(key, page, settings.QDIALOG_RESULTS_CACHE_SECONDS)
    return page


def results_warm(wave) -> int:
    """Draw the results pages of a wave just closed, for every unit and language, so that
    nobody waits for the first drawing (run by a background task; publishes nothing)."""
    municipalities = wave_municipalities(wave)
    units = [None] if wave.municipality_id is None else [[wave.municipality_id]]
    if wave.municipality_id is None:
        clusters: dict[int, list[int]] = {}
        for m in municipalities:
            if m.cluster_id is not None:
                clusters.setdefault(m.cluster_id, []).append(m.pk)
        if wave.cluster_id is None:
            units += list(clusters.values())
        units += [[m.pk] for m in municipalities]
    drawn = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for ids in units:
                results_page(wave, ids, publish=False)
                drawn += 1
    return drawn
