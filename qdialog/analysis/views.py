"""Results pages. Thin: load the wave in scope, decide which municipalities' answers the person
may read, compute through engine.wave_results(), render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qdialog.core.spreadsheets import csv_text
from qdialog.surveys import selectors as scope_selectors
from qdialog.surveys.models import WaveStatus
from qdialog.tenancy.scope import get_in_scope

from . import charts, services
from .access import overview_access, readable_municipalities, readable_wave
from .benchmark import DISTRIBUTION_MIN, POOLED_MIN, benchmark
from .engine import compare_waves, scope_unit, wave_results
from .overview import overview_rows, sort_rows, wave_overview
from .pages import results_page


def _readable_wave(request, pk):
    return readable_wave(request.scope, pk)


def _chosen_municipalities(request, wave):
    """(choices for the selector, chosen municipality, municipality ids to read or None)."""
    allowed = readable_municipalities(request.scope, wave)
    choices = (list(wave.programme.municipalities.filter(cluster_id=wave.cluster_id)
                    if wave.cluster_id else wave.programme.municipalities.all())
               if allowed is None and wave.municipality_id is None else (allowed or []))
    chosen = None
    if request.GET.get("municipality"):
        chosen = next((m for m in choices if str(m.pk) == request.GET["municipality"]), None)
        if chosen is None:
            raise Http404
    elif allowed is not None and len(allowed) == 1:
        chosen = allowed[0]
    if chosen is None and allowed is not None and scope_unit(wave, [m.pk for m in allowed]) is None:
        # several municipalities that are not a whole cluster: one at a time (their sum is no
        # unit of the wave's disclosure plan, so it is not published)
        chosen = allowed[0]
    if chosen is not None:
        ids = [chosen.pk]
    elif allowed is None:
        ids = None
    else:
        ids = [m.pk for m in allowed]
    return choices, chosen, ids


def _comparable(request, wave):
    """Other waves of the same instrument family the person may read, for comparison."""
    return (scope_selectors.result_waves(request.scope).filter(programme_id=wave.programme_id,
                                                instrument__family=wave.instrument.family,
                                                status=WaveStatus.CLOSED)
            .exclude(pk=wave.pk).order_by("timepoint", "opens_on"))


@login_required
def results(request, pk):
    wave = _readable_wave(request, pk)
    choices, chosen, ids = _chosen_municipalities(request, wave)
    page = results_page(wave, ids)
    result = page["r"]
    services.results_read(actor=request.user, wave=wave, municipality=chosen)
    rows = [*result.dimensions, *result.items]
    group_tables = [
        ([(row, row.by_perspective) for row in rows], _("Means by perspective")),
        ([(row, row.by_system) for row in rows], _("Means by professional system")),
    ] if rows else []
    alpha_tables = [(breakdown, title) for breakdown, title in (
        ([(d, d.alpha_by_perspective) for d in result.dimensions],
         _("Cronbach's α by perspective")),
        ([(d, d.alpha_by_system) for d in result.dimensions],
         _("Cronbach's α by professional system")))
        if breakdown and breakdown[0][1]]
    return render(request, "analysis/results.html", {
        "wave": wave, "r": result, "municipality": chosen, "group_tables": group_tables,
        "alpha_tables": alpha_tables, **page,
        "municipalities": choices if len(choices) > 1 else [],
        "comparable": _comparable(request, wave), "overview": _sees_overview(request, wave)})


def _sees_overview(request, wave) -> bool:
    try:
        overview_access(request.scope, wave)
    except Http404:
        return False
    return True


@login_required
def compare(request, pk, other_pk):
    """t0 against t1 (or any two waves of one instrument family), independent samples."""
    wave = _readable_wave(request, pk)
    other = get_in_scope(_comparable(request, wave).select_related("instrument"), pk=other_pk)
    choices, chosen, ids = _chosen_municipalities(request, wave)
    other_choices, _, other_ids = _chosen_municipalities(request, other)
    if ids is not None and other_ids is not None:
        ids = sorted(set(ids) & set(other_ids))
    elif ids is None:
        ids = other_ids
    first, second = sorted([wave, other], key=lambda w: (w.timepoint, w.opens_on))
    rows = compare_waves(first, second, municipality_ids=ids)
    family = sorted([wave, *_comparable(request, wave).select_related("instrument")],
                    key=lambda w: (w.timepoint, w.opens_on))
    series = [(w, wave_results(w, municipality_ids=ids).dimensions) for w in family]
    services.comparison_read(actor=request.user, wave=wave, other=other)
    return render(request, "analysis/compare.html", {
        "wave": wave, "first": first, "second": second, "rows": rows, "municipality": chosen,
        "chart": charts.comparison(rows, first, second),
        "trend_chart": charts.trend(series) if len(series) > 2 else "",
        "municipalities": choices if len(choices) > 1 else []})


@login_required
def benchmark_view(request, pk):
    """A municipality against its cluster and the programme (programme or cluster waves)."""
    wave = _readable_wave(request, pk)
    if wave.municipality_id is not None:
        raise Http404
    choices, chosen, _ = _chosen_municipalities(request, wave)
    if chosen is None:
        chosen = choices[0] if choices else None
    if chosen is None:
        raise Http404
    institute = request.scope.is_institute_staff(wave.programme_id)
    rows = benchmark(wave, chosen, with_names=institute and wave.programme.institute_sees_names)
    services.benchmark_read(actor=request.user, wave=wave, municipality=chosen)
    return render(request, "analysis/benchmark.html", {
        "wave": wave, "rows": rows, "municipality": chosen, "institute": institute,
        "chart": charts.benchmark(rows, str(chosen)),
        "pooled_min": POOLED_MIN, "distribution_min": DISTRIBUTION_MIN,
        "municipalities": choices if len(choices) > 1 else []})


@login_required
def overview_view(request, pk):
    """Participation and scale scores of every municipality and cluster of a programme- or
    cluster-wide wave, sortable and downloadable (CSV without formulas)."""
    wave = _readable_wave(request, pk)
    ids, named = overview_access(request.scope, wave)
    overview = wave_overview(wave, ids, named=named)
    sort = request.GET.get("sort", "")
    if request.GET.get("format") == "csv":
        services.overview_read(actor=request.user, wave=wave, exported=True)
        response = HttpResponse(csv_text(overview_rows(overview)),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="overview-{wave.pk}.csv"'
        return response
    services.overview_read(actor=request.user, wave=wave)
    return render(request, "analysis/overview.html", {
        "wave": wave, "o": overview, "sort": sort,
        "rows": sort_rows(overview.municipalities, sort),
        "participation": sort_rows(overview.participation, sort),
        "part_headers": [_("Invited"), _("Answered"), _("Response rate"), _("Answer sets")],
        "part_sorts": [("invited", _("Invited")), ("answered", _("Answered")),
                       ("rate", _("Response rate")), ("n", _("Answer sets"))]})
