"""The disclosure plan of a survey wave: which figures may be published, for every unit at once.

Every figure about people that qdialog shows for a wave – results pages, API, reports,
benchmarks, indicators beside standards – is computed for one *unit* of the wave: the programme,
a cluster, a municipality. Units overlap (a cluster is the sum of its municipalities), and
whoever sees several of them can subtract. So what is withheld is decided once for all units of
the wave together, here, and every output reads the same plan.

What is published, and what the plan protects:

* the number of answer sets of every unit (response rates show it anyway);
* the size of each group (perspective, professional system) in each unit – a two-way table
  per breakdown (`tables.Table`): groups with fewer than the minimum are withheld, and further
  groups until no withheld group can be narrowed down, by any combination of published sizes in
  any unit, to fewer than `minimum` + 1 possible values;
* per question and per dimension, the number of valid answers of each unit (with its mean,
  distribution, confidence interval): a one-way table over the units, protected the same way;
* per group only the mean of a question or dimension, and only where the group is published
  and has at least the minimum of valid answers. The number of valid answers of a group is
  never published, so a withheld group mean cannot be recovered from the unit's total.

The plan is plain data (`Plan.to_json`) kept with the wave's release (`models.Release`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import get_language

from qdialog.surveys import schema

from . import tables
from .tables import TOTAL, Tree

ROOT = "P"
UNATTRIBUTED = "U"
BREAKDOWNS = ("perspective", "professional_system")


def municipality_unit(pk) -> str:
    return f"M{pk}"


def cluster_unit(pk) -> str:
    return f"C{pk}"


def wave_tree(wave, municipalities) -> Tree:
    """Units of a wave. A municipality wave is one unit; a cluster wave the cluster and its
    municipalities; a programme wave the programme, its clusters and municipalities. Answer sets
    without a municipality (in a programme or cluster wave) form a unit nobody sees."""
    if wave.municipality_id is not None:
        return Tree({municipality_unit(wave.municipality_id): None},
                    frozenset({municipality_unit(wave.municipality_id)}))
    parent: dict[str, str | None] = {ROOT: None}
    if wave.cluster_id is None:
        for m in municipalities:
            if m.cluster_id is not None:
                parent[cluster_unit(m.cluster_id)] = ROOT
    for m in municipalities:
        if wave.cluster_id is not None:
            if m.cluster_id == wave.cluster_id:
                parent[municipality_unit(m.pk)] = ROOT
        else:
            parent[municipality_unit(m.pk)] = (cluster_unit(m.cluster_id)
                                               if m.cluster_id is not None else ROOT)
    parent[UNATTRIBUTED] = ROOT
    return Tree(parent, frozenset(u for u in parent if u != UNATTRIBUTED))


def leaf_keys(frame, tree: Tree) -> np.ndarray:
    """The leaf unit of every answer set."""
    if len(tree.parent) == 1:
        return np.array([tree.root] * frame.n, dtype=object)
    known = set(tree.parent)
    return np.array([municipality_unit(m) if m is not None and municipality_unit(m) in known
                     else UNATTRIBUTED for m in frame.municipality], dtype=object)


def group_labels(instrument: schema.CInstrument, role: str) -> dict[str, str]:
    """The groups of a breakdown by key, named in the active language (the instrument's own
    texts; German where it has none in that language)."""
    item = instrument.role_item(role)
    language = (get_language() or "de")[:2]
    return {str(c.value): c.label(language) for c in item.choices} if item else {}


def group_keys(instrument, role, keys: np.ndarray) -> list[str]:
    """The groups of a breakdown: the instrument's options, any other stored key, and "" for
    the answer sets that do not say (a group of its own, or the total would reveal it)."""
    known = list(group_labels(instrument, role))
    others = sorted({k for k in keys.tolist() if k and k not in known})
    return [*known, *others, ""] if known or others else []


@dataclass
class Plan:
    minimum: int
    sizes: dict[str, int]
    #: breakdown → withheld (unit, group) pairs
    hidden_groups: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    #: variable or "dim:<name>" → units whose count (and every figure on it) is withheld
    hidden_counts: dict[str, set[str]] = field(default_factory=dict)

    def unit_shown(self, unit: str) -> bool:
        return self.sizes.get(unit, 0) >= self.minimum

    def group_shown(self, breakdown: str, unit: str, group: str) -> bool:
        return self.unit_shown(unit) and (unit, group) not in self.hidden_groups.get(
            breakdown, set())

    def count_shown(self, key: str, unit: str) -> bool:
        return self.unit_shown(unit) and unit not in self.hidden_counts.get(key, set())

    def to_json(self) -> dict:
        return {"version": 1, "minimum": self.minimum, "sizes": self.sizes,
                "hidden_groups": {b: sorted(map(list, cells))
                                  for b, cells in self.hidden_groups.items()},
                "hidden_counts": {k: sorted(units) for k, units in self.hidden_counts.items()}}

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(data["minimum"], dict(data["sizes"]),
                   {b: {tuple(c) for c in cells} for b, cells in data["hidden_groups"].items()},
                   {k: set(units) for k, units in data["hidden_counts"].items()})


def _sum_by_leaf(leaves: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    out: dict[str, int] = {}
    for leaf in set(leaves.tolist()):
        out[leaf] = int((mask & (leaves == leaf)).sum())
    return out


def compute_plan(wave, frame, tree: Tree, *, dimension_scores: dict | None = None) -> Plan:
    """Decide what is withheld for every unit of the wave (see the module docstring)."""
    minimum = max(3, wave.min_group_size)
    instrument = schema.compiled(wave.instrument)
    leaves = leaf_keys(frame, tree)
    everyone = np.ones(frame.n, dtype=bool)
    leaf_sizes = _sum_by_leaf(leaves, everyone)
    base = tables.column_table(tree, leaf_sizes)
    sizes = {u: base.value((u, TOTAL)) for u in tree.nodes}
    plan = Plan(minimum, sizes)

    published_totals = frozenset((u, TOTAL) for u in tree.nodes)
    for breakdown, keys in (("perspective", frame.perspective),
                            ("professional_system", frame.system)):
        groups = group_keys(instrument, breakdown, keys)
        if not groups:
            continue
        counts = {leaf: {g: int(((leaves == leaf) & (keys == g)).sum()) for g in groups}
                  for leaf in tree.leaves}
        table = tables.Table(tree, groups, counts, always_published=published_totals)
        hidden = tables.protect(table, minimum)
        plan.hidden_groups[breakdown] = {c for c in hidden if c[1] != TOTAL}

    columns = {}
    for col, variable in enumerate(frame.variables):
        if variable.measure in ("scale", "nominal", "number") and \
                not instrument.item_by_code[variable.item].role:
            columns[variable.name] = ~np.isnan(frame.values[:, col])
    for name, (_, _, score) in (dimension_scores or {}).items():
        columns[f"dim:{name}"] = ~np.isnan(score)
    cache: dict[tuple, set[str]] = {}
    for key, valid in columns.items():
        counts = _sum_by_leaf(leaves, valid)
        signature = tuple(sorted(counts.items()))
        if signature not in cache:  # many questions share their counts exactly
            table = tables.column_table(tree, counts, caps=leaf_sizes, unit_sizes=sizes)
            cache[signature] = tables.protect_column(
                table, minimum, hidden=[u for u, n in sizes.items() if 0 < n < minimum])
        plan.hidden_counts[key] = set(cache[signature])
    return plan
