"""The overview of a programme- or cluster-wide wave: participation per municipality and
cluster, and the scale score of every municipality and cluster on every dimension – the table
institute staff and cluster coordinators put on the wall, and the core of the programme and
cluster reports.

Every figure comes from the wave's disclosure plan (qdialog/disclosure), like every other output:
a municipality's or cluster's score only where the plan publishes the count of that dimension for
that unit. The comparisons of kinds of municipality (model and partner municipalities, external
and self-evaluation) are not units of the plan, so they are never computed from answer sets:
they are the plain mean of the *published* municipality scores of each kind, which anyone who
sees the table could work out – they show nothing the table does not.

Names: institute staff see municipality names only where the programme allows it
(`Programme.institute_sees_names`); otherwise the score table shows "Kommune 1, 2 …" in an
order drawn from a keyed hash (not alphabetical, not by size), without the answer-set counts,
cluster or role that would point back to a name. Participation is always named: who was invited
and how many answered is the institute's working knowledge of the field, not a result.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qdialog.disclosure import plan as plans
from qdialog.disclosure.services import plan_for
from qdialog.surveys import schema
from qdialog.surveys.models import AccessCode
from qdialog.tenancy.models import ClusterRole, EvaluationMode, Municipality

from .engine import dimension_scores, load_frame


@dataclass
class Cell:
    mean: float | None  # None: withheld by the disclosure plan
    n_valid: int | None = None


@dataclass
class UnitRow:
    label: str
    kind: str  # "municipality" or "cluster"
    n: int | None  # answer sets (None where the table is anonymised)
    cells: list[Cell]
    cluster: str = ""
    role: str = ""
    mode: str = ""
    pk: int | None = None  # None where the table is anonymised

    @property
    def shown(self) -> int:
        return sum(c.mean is not None for c in self.cells)


@dataclass
class Participation:
    label: str
    kind: str
    invited: int  # personal codes and e-mail invitations given out
    answered: int  # of them used
    answer_sets: int  # every answer set, group codes included
    cluster: str = ""

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


@dataclass
class KindRow:
    """The mean of the published scores of one kind of municipality."""

    label: str
    municipalities: int
    cells: list[Cell]


@dataclass
class Overview:
    available: bool
    named: bool = True
    minimum: int = 5
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    municipalities: list[UnitRow] = field(default_factory=list)
    clusters: list[UnitRow] = field(default_factory=list)
    kinds: list[KindRow] = field(default_factory=list)
    participation: list[Participation] = field(default_factory=list)
    cluster_participation: list[Participation] = field(default_factory=list)


def _anonymous_order(wave, pk) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"overview:{wave.pk}:{pk}".encode(), hashlib.sha256).hexdigest()


def participation(wave, municipalities) -> list[Participation]:
    """Invited, answered and answer sets per municipality (one query for the codes)."""
    codes = (AccessCode.objects.filter(wave=wave).exclude(kind="group")
             .values("municipality_id")
             .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True))))
    by_municipality = {c["municipality_id"]: c for c in codes}
    sets = dict(wave.responses.values_list("municipality_id").annotate(n=Count("id")))
    out = []
    for m in municipalities:
        c = by_municipality.get(m.pk, {"issued": 0, "used": 0})
        out.append(Participation(m.name, "municipality", c["issued"], c["used"],
                                 sets.get(m.pk, 0), str(m.cluster) if m.cluster_id else ""))
    return out


def wave_overview(wave, municipality_ids=None, *, named: bool) -> Overview:
    """The overview of a programme- or cluster-wide wave, for all its municipalities or for
    those given (a cluster coordinator's)."""
    plan = plan_for(wave)
    if plan is None or wave.municipality_id is not None:
        return Overview(available=False)
    municipalities = Municipality.objects.filter(programme_id=wave.programme_id) \
        .select_related("cluster")
    if wave.cluster_id is not None:
        municipalities = municipalities.filter(cluster_id=wave.cluster_id)
    if municipality_ids is not None:
        municipalities = municipalities.filter(pk__in=municipality_ids)
    municipalities = sorted(municipalities, key=lambda m: (
        m.cluster.number if m.cluster_id else 0, m.cluster_role != ClusterRole.MODEL, m.name))
    frame = load_frame(wave)
    instrument = schema.compiled(wave.instrument)
    scores = dimension_scores(frame)
    out = Overview(available=True, named=named, minimum=plan.minimum,
                   dimensions=[(name, instrument.dimension_label(name, _lang()))
                               for name in scores])
    ids = np.array([m if m is not None else -1 for m in frame.municipality])

    def cells(unit, mask):
        row = []
        for name, (_cols, _matrix, score) in scores.items():
            if not plan.count_shown(f"dim:{name}", unit):
                row.append(Cell(None))
                continue
            values = score[mask & ~np.isnan(score)]
            row.append(Cell(float(values.mean()), int(values.size)) if values.size
                        else Cell(None))
        return row

    for m in municipalities:
        unit = plans.municipality_unit(m.pk)
        out.municipalities.append(UnitRow(
            m.name, "municipality", plan.sizes.get(unit, 0), cells(unit, ids == m.pk),
            str(m.cluster) if m.cluster_id else "", m.get_cluster_role_display(),
            m.get_evaluation_mode_display(), m.pk))
    clusters = {}
    for m in municipalities:
        if m.cluster_id is not None:
            clusters.setdefault(m.cluster_id, (m.cluster, []))[1].append(m.pk)
    if wave.cluster_id is None:
        for cluster_id, (cluster, pks) in clusters.items():
            unit = plans.cluster_unit(cluster_id)
            if unit in plan.sizes:
                out.clusters.append(UnitRow(str(cluster), "cluster", plan.sizes.get(unit, 0),
                                            cells(unit, np.isin(ids, pks)), pk=cluster_id))
    out.kinds = _kinds(municipalities, out.municipalities, len(scores))
    out.participation = participation(wave, municipalities)
    for cluster, pks in clusters.values():
        rows = [p for p, m in zip(out.participation, municipalities) if m.pk in pks]
        out.cluster_participation.append(Participation(
            str(cluster), "cluster", sum(p.invited for p in rows),
            sum(p.answered for p in rows), sum(p.answer_sets for p in rows)))
    if not named:
        out.municipalities = _anonymised(wave, out.municipalities)
    return out


def _kinds(municipalities, rows, n_dimensions) -> list[KindRow]:
    kinds = [(ClusterRole.MODEL.label, lambda m: m.cluster_role == ClusterRole.MODEL),
             (ClusterRole.PARTNER.label, lambda m: m.cluster_role == ClusterRole.PARTNER),
             (EvaluationMode.EXTERNAL.label,
              lambda m: m.evaluation_mode == EvaluationMode.EXTERNAL),
             (EvaluationMode.SELF.label, lambda m: m.evaluation_mode == EvaluationMode.SELF)]
    out = []
    for label, belongs in kinds:
        members = [row for m, row in zip(municipalities, rows) if belongs(m)]
        if not members:
            continue
        kind_cells = []
        for d in range(n_dimensions):
            published = [row.cells[d].mean for row in members if row.cells[d].mean is not None]
            kind_cells.append(Cell(float(np.mean(published)) if published else None,
                                   len(published)))
        out.append(KindRow(str(label), len(members), kind_cells))
    return out


def _anonymised(wave, rows: list[UnitRow]) -> list[UnitRow]:
    ordered = sorted(rows, key=lambda r: _anonymous_order(wave, r.pk))
    return [UnitRow(_("Municipality %(number)d") % {"number": number}, "municipality", None,
                    [Cell(c.mean) for c in row.cells])
            for number, row in enumerate(ordered, start=1)]


def _lang() -> str:
    return (get_language() or "de")[:2]


def sort_rows(rows, key: str):
    """Rows in the order the person chose: "name", "n" (answer sets, most first), "rate"
    (participation, highest first) or "d<number>" (a dimension's score, highest first; withheld
    scores last). Anything else: the overview's own order (by cluster, model first)."""
    if key == "name":
        return sorted(rows, key=lambda r: r.label)
    if key == "n":
        return sorted(rows, key=lambda r: -(getattr(r, "n", None) or
                                            getattr(r, "answer_sets", 0) or 0))
    if key in ("rate", "invited", "answered"):
        return sorted(rows, key=lambda r: -(getattr(r, key, None) or 0))
    if key.startswith("d") and key[1:].isdigit() and hasattr(rows[0] if rows else None,
                                                              "cells"):
        index = int(key[1:]) - 1
        if rows and 0 <= index < len(rows[0].cells):
            return sorted(rows, key=lambda r: (r.cells[index].mean is None,
                                               -(r.cells[index].mean or 0)))
    return list(rows)


def overview_rows(overview: Overview) -> list[list]:
    """The overview as spreadsheet rows (numbers as numbers, withheld as "×")."""
    dims = [label for _name, label in overview.dimensions]

    def cells(row):
        return [round(c.mean, 2) if c.mean is not None else "×" for c in row.cells]

    out = [[_("Municipality"), _("Cluster"), _("Answer sets"), *dims]]
    for row in overview.municipalities:
        out.append([row.label, row.cluster, "" if row.n is None else row.n, *cells(row)])
    for row in overview.clusters:
        out.append([row.label, row.label, row.n, *cells(row)])
    out += [[], [_("Municipality"), _("Cluster"), _("Invited"), _("Answered"),
                 _("Response rate"), _("Answer sets")]]
    for p in overview.participation:
        out.append([p.label, p.cluster, p.invited, p.answered,
                    "" if p.rate is None else round(p.rate, 3), p.answer_sets])
    return out
