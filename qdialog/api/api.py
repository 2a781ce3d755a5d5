"""The results API, version 1: read-only JSON for the institute's statistics tools.

OpenAPI description at /api/v1/openapi.json. Every figure comes from analysis.engine, through the
same disclosure plan as the web pages, and with the same precision (two decimals): a withheld
group has `n: null`; per group only the mean is published; results exist once a wave is closed.
Authentication: the browser session, or `Authorization: Bearer <token>` (`qdialog api-token`).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from qdialog.accounts.mfa import mfa_missing
from qdialog.analysis.access import readable_municipalities
from qdialog.analysis.engine import GroupFigures, wave_results
from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.surveys import selectors as scope_selectors
from qdialog.tenancy.scope import fence_for, scope_for

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is None or mfa_missing(user):  # a token is no way around the second factor
            return None
        request.user = user
        request.scope = fence_for(user)
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
    """A unit's figures for a question or dimension (all its answer sets together)."""

    n_valid: int | None
    mean: float | None
    median: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    counts: list[int] | None
    dont_know: int | None


class Overall(Schema):
    suppressed: str
    figures: Stats | None


class Group(Schema):
    """A group (perspective, professional system): its size, or null where it is withheld."""

    key: str
    label: str
    n: int | None
    suppressed: str


class GroupMean(Schema):
    """A group's mean for a question or dimension; null where it is withheld (the group is
    withheld, or it has fewer valid answers than the minimum)."""

    key: str
    mean: float | None
    suppressed: str


class ItemOut(Schema):
    variable: str
    label: str
    dimension: str
    reverse_coded: bool
    values: dict[int, str]
    overall: Overall
    by_perspective: list[GroupMean]
    by_professional_system: list[GroupMean]
    divergence: float | None
    divergence_sd: float | None


class DimensionOut(Schema):
    name: str
    label: str
    variables: list[str]
    alpha: float | None
    alpha_ci: list[float | None]
    overall: Overall
    by_perspective: list[GroupMean]
    by_professional_system: list[GroupMean]
    divergence_sd: float | None


class ResultsOut(Schema):
    """`unit`: the part of the wave the figures describe – "P" the whole wave, "C<id>" a
    cluster, "M<id>" a municipality."""

    wave: WaveOut
    available: bool
    unit: str
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


def _round(value):
    """The precision the pages show: two decimals."""
    return None if value is None else round(float(value), 2)


def _overall(g: GroupFigures) -> dict:
    if g.n_group is None or g.summary is None:
        return {"suppressed": g.reason or "withheld", "figures": None}
    s = g.summary
    return {"suppressed": "", "figures": {
        "n_valid": g.n_valid, "mean": _round(s.mean), "median": _round(s.median),
        "sd": _round(s.sd), "ci_low": _round(s.ci_low), "ci_high": _round(s.ci_high),
        "counts": g.counts, "dont_know": g.dont_know}}


def _group(g: GroupFigures) -> dict:
    return {"key": g.key, "label": str(g.label), "n": g.n_group,
            "suppressed": g.reason if g.n_group is None else ""}


def _mean(g: GroupFigures) -> dict:
    shown = g.n_group is not None and g.summary is not None
    return {"key": g.key, "mean": _round(g.summary.mean) if shown else None,
            "suppressed": "" if shown else (g.reason or "withheld")}


@api.get("/waves", response={200: list[WaveOut], 401: Message},
         summary="Survey waves whose results you may read")
def waves(request):
    scope = scope_for(request.user)
    return [_wave_out(w) for w in scope_selectors.result_waves(scope).select_related(
        "instrument", "programme", "municipality", "cluster").order_by("-opens_on")]


@api.get("/waves/{wave_id}/results",
         response={200: ResultsOut, 401: Message, 404: Message, 422: Invalid},
         summary="Results of a wave, suppressed like the web pages")
def results(request, wave_id: int, municipality: int | None = None,
            cluster: int | None = None):
    """One unit of the wave: by default everything the person may read (the programme for
    institute staff, the cluster for its coordinator, the municipality for its coordinator);
    `municipality` or `cluster` for one of them. Figures are published per unit only."""
    scope = scope_for(request.user)
    wave = scope_selectors.result_waves(scope).select_related(
        "instrument", "programme", "municipality", "cluster").filter(pk=wave_id).first()
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
    elif cluster is not None:
        members = list(wave.programme.municipalities.filter(cluster_id=cluster)
                       .values_list("pk", flat=True))
        if not members or (ids is not None and not set(members) <= set(ids)):
            raise Http404
        ids = members
    r = wave_results(wave, municipality_ids=ids)
    log_action(actor=request.user, action="read", obj=wave,
               summary=note(gettext_noop("results via API")))
    return {
        "wave": _wave_out(wave), "available": r.available, "unit": r.unit,
        "municipality": municipality,
        "n": r.n if r.available else None, "minimum_group_size": r.minimum,
        "perspectives": [_group(g) for g in r.perspective_groups],
        "professional_systems": [_group(g) for g in r.system_groups],
        "items": [{"variable": i.variable.name, "label": i.variable.label("de"),
                   "dimension": i.variable.dimension, "reverse_coded": i.variable.reverse,
                   "values": {c.value: c.label("de") for c in i.variable.choices},
                   "overall": _overall(i.overall),
                   "by_perspective": [_mean(g) for g in i.by_perspective],
                   "by_professional_system": [_mean(g) for g in i.by_system],
                   "divergence": _round(i.spread), "divergence_sd": _round(i.spread_std)}
                  for i in r.items],
        "dimensions": [{"name": d.name, "label": d.label, "variables": d.variables,
                        "alpha": _round(d.alpha.value),
                        "alpha_ci": [_round(d.alpha.ci_low), _round(d.alpha.ci_high)],
                        "overall": _overall(d.overall),
                        "by_perspective": [_mean(g) for g in d.by_perspective],
                        "by_professional_system": [_mean(g) for g in d.by_system],
                        "divergence_sd": _round(d.spread_std)} for d in r.dimensions],
    }
