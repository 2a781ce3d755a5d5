"""Results of a survey wave: distributions, means, scale scores, divergence – as published.

One code path for every output: pages, API, reports, benchmarks and indicators read
`wave_results()`. What may be shown is decided by the wave's disclosure plan
(`qdialog.disclosure`), made for all units of the wave together when it closes, so that no
combination of outputs – a municipality's page, its cluster's, the programme's – lets anyone
work out a withheld figure. While a wave is open there are no results (`available` is False):
two states of the results would give away the answers that came in between.

For a unit (a municipality, a cluster, the programme) the results carry
* the number of answer sets and, per group, its size where the plan publishes it;
* per question and dimension: the number of valid answers, mean, median, SD, confidence interval
  and distribution, where the plan publishes that count for the unit;
* per group only the mean, where the group is published and has at least the minimum of valid
  answers (the number of valid answers of a group is never published).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import get_language, gettext_lazy

from qdialog.disclosure import plan as plans
from qdialog.disclosure.services import plan_for
from qdialog.surveys import schema
from qdialog.surveys.frame import (  # noqa: F401 - re-exported for the tests and benchmarks
    ABSENT,
    DK,
    NA,
    NS,
    VALUE,
    Frame,
    dimension_scores,
    load_frame,
)

from . import stats

WITHHELD = "withheld"  # the plan does not publish it
FEW = "few"  # a published group, but fewer valid answers than the minimum
EMPTY = "empty"
NOT_STATED = gettext_lazy("not stated")


@dataclass
class GroupFigures:
    key: str
    label: str
    n_group: int | None  # None: withheld
    reason: str = ""
    n_valid: int | None = None  # the unit's overall figures only
    counts: list[int] | None = None  # per scale point / option (overall only)
    shares: list[float] | None = None
    dont_know: int | None = None
    not_answered: int | None = None
    summary: stats.Summary | None = None  # groups: the mean only

    @property
    def shown(self) -> bool:
        return self.n_group is not None and self.summary is not None


@dataclass
class ItemResult:
    variable: schema.Variable
    overall: GroupFigures
    by_perspective: list[GroupFigures]
    by_system: list[GroupFigures]
    spread: float | None = None
    spread_std: float | None = None


@dataclass
class DimensionResult:
    name: str
    label: str
    variables: list[str]
    alpha: stats.Alpha
    overall: GroupFigures
    by_perspective: list[GroupFigures]
    by_system: list[GroupFigures] = field(default_factory=list)
    spread: float | None = None
    spread_std: float | None = None
    #: Cronbach's α per group (perspective, professional system): the value only, for
    #: published groups with at least the minimum of complete answer sets – never its interval
    #: or its n, from which the group's number of valid answers could be worked out
    alpha_by_perspective: list[tuple[str, float | None]] = field(default_factory=list)
    alpha_by_system: list[tuple[str, float | None]] = field(default_factory=list)


@dataclass
class WaveResults:
    wave: object
    n: int
    n_shown: bool
    minimum: int
    perspective_groups: list[GroupFigures]
    system_groups: list[GroupFigures]
    items: list[ItemResult] = field(default_factory=list)
    dimensions: list[DimensionResult] = field(default_factory=list)
    #: False while the wave is open (no results yet) or for a part that is not a unit
    available: bool = True
    unit: str = ""

    @property
    def divergence(self) -> list:
        """Items and dimensions ranked by how far the perspectives' means lie apart."""
        rows = [r for r in [*self.dimensions, *self.items] if r.spread_std is not None]
        return sorted(rows, key=lambda r: -r.spread_std)


def scope_unit(wave, municipality_ids) -> str | None:
    """The unit of the wave that a set of municipalities makes up: the whole wave (None), one
    municipality, or exactly the municipalities of one cluster. Other sets are no unit: their
    figures are not protected as a whole, so they are not published."""
    if wave.municipality_id is not None:
        if municipality_ids is None or list(municipality_ids) == [wave.municipality_id]:
            return plans.municipality_unit(wave.municipality_id)
        return None
    if municipality_ids is None:
        return plans.ROOT
    ids = set(municipality_ids)
    if len(ids) == 1:
        return plans.municipality_unit(next(iter(ids)))
    members: dict[int, set[int]] = {}
    for m in wave.programme.municipalities.all():
        if m.cluster_id is not None:
            members.setdefault(m.cluster_id, set()).add(m.pk)
    for cluster_id, pks in members.items():
        if pks == ids:
            return plans.ROOT if wave.cluster_id == cluster_id else plans.cluster_unit(cluster_id)
    return None


def _unit_mask(frame: Frame, tree, unit: str) -> np.ndarray:
    leaves = set(tree.leaves_under(unit))
    return np.isin(plans.leaf_keys(frame, tree), list(leaves))


def _mean_only(values: np.ndarray) -> stats.Summary:
    full = stats.summary(values)
    return stats.Summary(full.n, full.mean, None, None, None, None)


def _overall(frame, col, variable, mask, shown: bool, minimum: int) -> GroupFigures:
    if not shown:
        return GroupFigures("all", "", None, WITHHELD)
    kinds = frame.kinds[mask, col]
    values = frame.values[mask, col]
    valid = values[~np.isnan(values)]
    figures = GroupFigures("all", "", int(mask.sum()), n_valid=int(valid.size),
                           dont_know=int((kinds == DK).sum()),
                           not_answered=int((kinds == NA).sum()))
    if valid.size < minimum:  # the plan withholds these; kept as a second line of defence
        return GroupFigures("all", "", None, WITHHELD)
    if variable is not None and variable.choices:
        codes = [c.value for c in variable.choices]
        figures.counts = [int((valid == code).sum()) for code in codes]
        figures.shares = [c / valid.size for c in figures.counts]
    figures.summary = stats.summary(valid)
    return figures


def _group_means(frame, col, groups, minimum):
    """Per group: (published figures, full summary for the divergence)."""
    out = []
    for key, label, mask, shown in groups:
        if not shown:
            out.append((GroupFigures(key, label, None, WITHHELD), None))
            continue
        n_group = int(mask.sum())
        values = frame.values[mask, col]
        valid = values[~np.isnan(values)]
        if n_group == 0:
            out.append((GroupFigures(key, label, 0, EMPTY), None))
        elif valid.size < minimum:
            out.append((GroupFigures(key, label, n_group, FEW), None))
        else:
            out.append((GroupFigures(key, label, n_group, summary=_mean_only(valid)),
                        stats.summary(valid)))
    return out


def _breakdowns(instrument, frame, tree, unit, plan, mask):
    out = {}
    for breakdown, keys in (("perspective", frame.perspective),
                            ("professional_system", frame.system)):
        labels = plans.group_labels(instrument, breakdown)
        groups = []
        for key in plans.group_keys(instrument, breakdown, keys):
            if key == "" and not labels:
                continue
            members = mask & (keys == key)
            if key == "" and not members.any():
                continue  # "not stated" only where someone did not say
            groups.append((key, labels.get(key, key) if key else NOT_STATED, members,
                           plan.group_shown(breakdown, unit, key)))
        out[breakdown] = groups
    return out["perspective"], out["professional_system"]


def _unavailable(wave, n, minimum, unit="") -> WaveResults:
    return WaveResults(wave, n, False, minimum, [], [], available=False, unit=unit)


def wave_results(wave, *, municipality_ids=None, publish: bool = True) -> WaveResults:
    """The published results of one unit of a closed wave (see the module docstring)."""
    instrument = schema.compiled(wave.instrument)
    minimum = max(3, wave.min_group_size)
    plan = plan_for(wave, publish=publish)
    unit = scope_unit(wave, municipality_ids)
    if plan is None or unit is None:
        return _unavailable(wave, 0, minimum, unit or "")
    frame = load_frame(wave)
    tree = plans.wave_tree(wave, list(wave.programme.municipalities.all()))
    if unit not in tree.parent:
        return _unavailable(wave, 0, minimum, unit)
    mask = _unit_mask(frame, tree, unit)
    n = int(mask.sum())
    perspectives, systems = _breakdowns(instrument, frame, tree, unit, plan, mask)

    def sizes(groups):
        return [GroupFigures(k, label, int(m.sum()) if shown else None,
                             "" if shown else WITHHELD) for k, label, m, shown in groups]

    results = WaveResults(wave, n, plan.unit_shown(unit), minimum, sizes(perspectives),
                          sizes(systems), unit=unit)
    if not results.n_shown:
        return results
    for col, variable in enumerate(frame.variables):
        if variable.measure not in ("scale", "nominal", "number"):
            continue
        if instrument.item_by_code[variable.item].role:
            continue
        by_perspective = _group_means(frame, col, perspectives, minimum)
        item = ItemResult(
            variable,
            _overall(frame, col, variable, mask, plan.count_shown(variable.name, unit), minimum),
            [f for f, _ in by_perspective],
            [f for f, _ in _group_means(frame, col, systems, minimum)])
        if variable.measure == "scale":
            item.spread, item.spread_std = stats.spread_of(
                [s for _, s in by_perspective if s is not None])
        results.items.append(item)
    results.dimensions = _dimensions(instrument, frame, mask, unit, plan, perspectives, systems,
                                     minimum)
    return results


def _group_alphas(matrix, mask, groups, minimum) -> list[tuple[str, float | None]]:
    out = []
    for _key, label, members, shown in groups:
        alpha = stats.cronbach_alpha(matrix[mask & members]) if shown else None
        out.append((label, alpha.value if alpha is not None and alpha.n >= minimum else None))
    return out


def _dimensions(instrument, frame, mask, unit, plan, perspectives, systems,
                minimum) -> list[DimensionResult]:
    out = []
    for name, (cols, matrix, score) in dimension_scores(frame).items():
        scored = Frame([schema.Variable(name, name, {}, "scale")], score.reshape(-1, 1),
                       np.where(np.isnan(score), NA, VALUE).reshape(-1, 1),
                       frame.perspective, frame.system, frame.municipality)
        shown = plan.count_shown(f"dim:{name}", unit)
        alpha = stats.cronbach_alpha(matrix[mask]) if shown else stats.Alpha(
            None, None, None, 0, len(cols))
        if alpha.n < minimum:
            alpha = stats.Alpha(None, None, None, 0, len(cols))
        by_perspective = _group_means(scored, 0, perspectives, minimum)
        dim = DimensionResult(
            name, instrument.dimension_label(name, (get_language() or "de")[:2]),
            [frame.variables[c].name for c in cols],
            alpha, _overall(scored, 0, None, mask, shown, minimum),
            [f for f, _ in by_perspective],
            [f for f, _ in _group_means(scored, 0, systems, minimum)])
        dim.spread, dim.spread_std = stats.spread_of(
            [s for _, s in by_perspective if s is not None])
        if shown:
            dim.alpha_by_perspective = _group_alphas(matrix, mask, perspectives, minimum)
            dim.alpha_by_system = _group_alphas(matrix, mask, systems, minimum)
        out.append(dim)
    return out


@dataclass
class ComparisonRow:
    key: str
    label: str
    kind: str  # "dimension" or "item"
    a: stats.Summary | None
    b: stats.Summary | None
    difference: stats.Difference | None


def compare_waves(wave_a, wave_b, *, municipality_ids=None) -> list[ComparisonRow]:
    """Each dimension and rating item both waves share: b minus a, for independent samples.

    The answers are anonymous, so nobody can be followed from one wave to the next. A row is
    compared only where both waves publish the unit's figures for it."""
    minimum = max(3, wave_a.min_group_size, wave_b.min_group_size)
    plan_a, plan_b = plan_for(wave_a), plan_for(wave_b)
    unit_a, unit_b = (scope_unit(wave_a, municipality_ids),
                      scope_unit(wave_b, municipality_ids))
    if plan_a is None or plan_b is None or unit_a is None or unit_b is None:
        return []
    if not (plan_a.unit_shown(unit_a) and plan_b.unit_shown(unit_b)):
        return []
    instrument = schema.compiled(wave_b.instrument)
    shared = {v.name for v in schema.compiled(wave_a.instrument).variables if v.numeric}
    variables = [v for v in instrument.variables if v.measure == "scale" and v.name in shared]
    frames, masks = [], []
    for wave, unit in ((wave_a, unit_a), (wave_b, unit_b)):
        frame = load_frame(wave, variables=variables)
        tree = plans.wave_tree(wave, list(wave.programme.municipalities.all()))
        frames.append(frame)
        masks.append(_unit_mask(frame, tree, unit) if unit in tree.parent
                     else np.zeros(frame.n, dtype=bool))
    (frame_a, frame_b), (mask_a, mask_b) = frames, masks

    def row(key, label, kind, a, b):
        if not (plan_a.count_shown(key, unit_a) and plan_b.count_shown(key, unit_b)):
            return ComparisonRow(label=label, key=key, kind=kind, a=None, b=None,
                                 difference=None)
        sa, sb = stats.summary(a), stats.summary(b)
        if sa.n < minimum or sb.n < minimum:
            return ComparisonRow(key, label, kind, None, None, None)
        return ComparisonRow(key, label, kind, sa, sb, stats.difference(a, b))

    scores_a, scores_b = dimension_scores(frame_a), dimension_scores(frame_b)
    rows = []
    for name in scores_b:
        if name in scores_a:
            found = row(f"dim:{name}", instrument.dimension_label(name), "dimension",
                        scores_a[name][2][mask_a], scores_b[name][2][mask_b])
            found.key = name
            rows.append(found)
    for col, variable in enumerate(variables):
        rows.append(row(variable.name, variable.label("de"), "item",
                        frame_a.values[mask_a, col], frame_b.values[mask_b, col]))
    return rows
