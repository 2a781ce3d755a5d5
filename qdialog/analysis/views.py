"""Results pages. Thin: load the wave in scope, decide which municipalities' answers the person
may read, compute through engine.wave_results(), render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from qdialog.core.audit import log_action
from qdialog.core.scope import get_in_scope

from .engine import wave_results


def readable_municipalities(scope, wave):
    """None: every answer set of the wave. Otherwise the municipalities whose part may be read."""
    if wave.programme_id in scope.institute_programmes:
        return None
    if wave.municipality_id is not None:
        if (wave.municipality_id in scope.coordinated_municipalities
                or wave.municipality.cluster_id in scope.coordinated_clusters):
            return [wave.municipality]
        raise Http404
    if wave.cluster_id is not None and wave.cluster_id in scope.coordinated_clusters:
        return None
    allowed = list(scope.managed_municipalities().filter(programme_id=wave.programme_id)) + list(
        scope.municipalities().filter(programme_id=wave.programme_id,
                                      cluster_id__in=scope.coordinated_clusters))
    if wave.cluster_id is not None:
        allowed = [m for m in allowed if m.cluster_id == wave.cluster_id]
    if not allowed:
        raise Http404
    return sorted(set(allowed), key=lambda m: m.name)


@login_required
def results(request, pk):
    wave = get_in_scope(request.scope.result_waves().select_related(
        "instrument", "programme", "municipality", "cluster"), pk=pk)
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
    if chosen is not None:
        ids = [chosen.pk]
    elif allowed is None:
        ids = None
    else:
        ids = [m.pk for m in allowed]
    result = wave_results(wave, municipality_ids=ids)
    log_action(actor=request.user, action="read", obj=wave,
               summary=f"results{' for ' + str(chosen) if chosen else ''}")
    return render(request, "analysis/results.html", {
        "wave": wave, "r": result, "municipality": chosen,
        "municipalities": choices if len(choices) > 1 else []})
