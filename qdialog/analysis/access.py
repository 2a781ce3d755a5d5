"""Who may read which results: the one place that answers it, for the results pages, the
reports and the API alike. Anything outside the answer is a 404, never a 403."""

from __future__ import annotations

from django.http import Http404

from qdialog.surveys import selectors as scope_selectors
from qdialog.tenancy.scope import get_in_scope


def readable_wave(scope, pk):
    """The wave if the person may read any of its results, else 404."""
    return get_in_scope(scope_selectors.result_waves(scope).select_related(
        "instrument", "programme", "municipality", "cluster"), pk=pk)


def readable_municipalities(scope, wave):
    """None: every answer set of the wave. Otherwise the municipalities whose part may be read;
    404 when there is none."""
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


def wave_municipalities(wave):
    """Every municipality a wave covers, by name."""
    if wave.municipality_id:
        return [wave.municipality]
    municipalities = wave.programme.municipalities.order_by("name")
    if wave.cluster_id:
        municipalities = municipalities.filter(cluster_id=wave.cluster_id)
    return list(municipalities)


def visible_municipalities(scope, wave):
    """The municipalities a person may pick on the wave's results and reports."""
    allowed = readable_municipalities(scope, wave)
    return wave_municipalities(wave) if allowed is None else allowed


def reads_whole_wave(scope, wave) -> bool:
    """Institute staff of the programme: cluster and programme reports, the ZIP bundle, and
    every report requested for the wave."""
    return wave.programme_id in scope.institute_programmes


def overview_access(scope, wave) -> tuple[list[int] | None, bool]:
    """Who sees the overview of a programme- or cluster-wide wave, of which municipalities, and
    whether with names: institute staff all of them, named where the programme allows it; a
    cluster coordinator the municipalities of their clusters, named (they coordinate them and
    read each one's results anyway). Anyone else: 404."""
    if wave.municipality_id is not None:
        raise Http404
    if wave.programme_id in scope.institute_programmes:
        return None, wave.programme.institute_sees_names
    if wave.cluster_id is not None:
        if wave.cluster_id in scope.coordinated_clusters:
            return None, True
        raise Http404
    ids = list(scope.municipalities().filter(programme_id=wave.programme_id,
                                             cluster_id__in=scope.coordinated_clusters)
               .values_list("pk", flat=True))
    if not ids:
        raise Http404
    return sorted(ids), True
