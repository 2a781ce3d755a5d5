"""The results API, version 1: read-only JSON for the institute's statistics tools.

OpenAPI description at /api/v1/openapi.json. Every figure comes from analysis.engine, with the
same small-group suppression as the web pages: a suppressed group has `n: null` and no figures.
Authentication: the browser session, or `Authorization: Bearer <token>` (`qdialog api-token`).
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from qdialog.analysis.engine import GroupFigures, wave_results
from qdialog.analysis.views import readable_municipalities
from qdialog.core.audit import log_action
from qdialog.core.scope import scope_for

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(title="qdialog results API", version="1.0.0", urls_namespace="api-v1",
               docs_url=None, auth=[TokenAuth(), django_auth],
               description=__doc__)


class Message(Schema):
    """Why a request was refused (e.g. "Not Found", "Unauthorized")."""

    detail: str


class Invalid(Schema):
    """Which parameter was wrong, and why."""

    detail: list[dict]


class WaveOut(Schema):
    id: int
    title: str
    timepoint: int
    instrument: str
    instrument_version: int
    scope: str
    status: str
    opens_on: str
    closes_on: str
    minimum_group_size: int


class Stats(Schema):
    n_valid: int | None
    mean: float | None
    median: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    counts: list[int] | None
    dont_know: int | None
    not_answered: int | None


class Group(Schema):
    key: str
    label: str
    n: int | None
    suppressed: str
    figures: Stats | None


class ItemOut(Schema):
    variable: str
    label: str
    dimension: str
    reverse_coded: bool
    values: dict[int, str]
    overall: Group
    by_perspective: list[Group]
    by_professional_system: list[Group]
    divergence: float | None
    divergence_sd: float | None


class DimensionOut(Schema):
    name: str
    label: str
    variables: list[str]
    alpha: float | None
    alpha_ci: list[float | None]
    overall: Group
    by_perspective: list[Group]
    by_professional_system: list[Group]
    divergence_sd: float | None


class ResultsOut(Schema):
    wave: WaveOut
    municipality: int | None
    n: int | None
    minimum_group_size: int
    perspectives: list[Group]
    professional_systems: list[Group]
    items: list[ItemOut]
    dimensions: list[DimensionOut]


def _wave_out(wave) -> dict:
    return {"id": wave.pk, "title": wave.title, "timepoint": wave.timepoint,
            "instrument": wave.instrument.family, "instrument_version": wave.instrument.version,
            "scope": str(wave.scope_object), "status": wave.status,
            "opens_on": wave.opens_on.isoformat(), "closes_on": wave.closes_on.isoformat(),
            "minimum_group_size": wave.min_group_size}


def _group(g: GroupFigures) -> dict:
    figures = None
    if g.n_group is not None and g.summary is not None:
        s = g.summary
        figures = {"n_valid": g.n_valid, "mean": s.mean, "median": s.median, "sd": s.sd,
                   "ci_low": s.ci_low, "ci_high": s.ci_high, "counts": g.counts,
                   "dont_know": g.dont_know, "not_answered": g.not_answered}
    return {"key": g.key, "label": g.label, "n": g.n_group,
            "suppressed": g.reason if g.n_group is None or figures is None else "",
            "figures": figures}


@api.get("/waves", response={200: list[WaveOut], 401: Message},
         summary="Survey waves whose results you may read")
def waves(request):
    scope = scope_for(request.user)
    return [_wave_out(w) for w in scope.result_waves().select_related(
        "instrument", "programme", "municipality", "cluster").order_by("-opens_on")]


@api.get("/waves/{wave_id}/results",
         response={200: ResultsOut, 401: Message, 404: Message, 422: Invalid},
         summary="Results of a wave, suppressed like the web pages")
def results(request, wave_id: int, municipality: int | None = None):
    scope = scope_for(request.user)
    wave = scope.result_waves().select_related("instrument", "programme", "municipality",
                                               "cluster").filter(pk=wave_id).first()
    if wave is None:
        raise Http404
    allowed = readable_municipalities(scope, wave)
    ids = None if allowed is None else [m.pk for m in allowed]
    if municipality is not None:
        if ids is not None and municipality not in ids:
            raise Http404
        if not wave.programme.municipalities.filter(pk=municipality).exists():
            raise Http404
        ids = [municipality]
    r = wave_results(wave, municipality_ids=ids)
    log_action(actor=request.user, action="read", obj=wave, summary="results via API")
    return {
        "wave": _wave_out(wave), "municipality": municipality,
        "n": r.n if r.n_shown else None, "minimum_group_size": r.minimum,
        "perspectives": [_group(g) for g in r.perspective_groups],
        "professional_systems": [_group(g) for g in r.system_groups],
        "items": [{"variable": i.variable.name, "label": i.variable.label("de"),
                   "dimension": i.variable.dimension, "reverse_coded": i.variable.reverse,
                   "values": {c.value: c.label("de") for c in i.variable.choices},
                   "overall": _group(i.overall),
                   "by_perspective": [_group(g) for g in i.by_perspective],
                   "by_professional_system": [_group(g) for g in i.by_system],
                   "divergence": i.spread, "divergence_sd": i.spread_std} for i in r.items],
        "dimensions": [{"name": d.name, "label": d.label, "variables": d.variables,
                        "alpha": d.alpha.value, "alpha_ci": [d.alpha.ci_low, d.alpha.ci_high],
                        "overall": _group(d.overall),
                        "by_perspective": [_group(g) for g in d.by_perspective],
                        "by_professional_system": [_group(g) for g in d.by_system],
                        "divergence_sd": d.spread_std} for d in r.dimensions],
    }
