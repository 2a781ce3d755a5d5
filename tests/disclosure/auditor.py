"""The auditor: attacks the published results of a wave with linear programming.

It collects everything one person can see of a wave through the JSON API – every unit they may
ask for: the whole wave, each cluster, each municipality – and checks that the results pages
show nothing the API does not. Then, knowing only those figures and the public structure of the
programme (which municipality belongs to which cluster), it sets up every linear relation
between them and computes with scipy's `linprog`, for every withheld count, the smallest and
largest value consistent with all of it:

* the size of each withheld group, over the answer sets of each municipality per group
  (leaf variables; every published group size and unit total is an equation);
* the number of valid answers of each withheld unit per question, over each municipality's
  answers per value and "don't know" (every published distribution is a set of equations; a
  municipality's answers cannot outnumber its answer sets);
* the same for each dimension's scale scores.

A withheld count must not be pinned, and its interval must be at least `minimum` wide – or,
in a unit with fewer answer sets than the minimum, as wide as that unit's total.
This is independent of the product's own check (a flow network in qdialog/disclosure/tables.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

UNATTRIBUTED = "U"


@dataclass
class Structure:
    """What anyone knows: the units of the wave and their leaves (municipalities, and the
    answer sets without a municipality)."""

    leaves_of: dict[str, list[str]]  # unit → its leaf municipalities ("M<id>", "U")

    @property
    def leaves(self) -> list[str]:
        return sorted({leaf for leaves in self.leaves_of.values() for leaf in leaves})


@dataclass
class Finding:
    what: str
    unit: str
    key: str
    low: float
    high: float
    required: int


@dataclass
class Report:
    checked: int = 0
    published_cells: int = 0
    findings: list[Finding] = field(default_factory=list)
    narrowest_margin: float | None = None  # smallest (width - requirement) seen

    def note(self, width: float, required: int):
        margin = width - required
        if self.narrowest_margin is None or margin < self.narrowest_margin:
            self.narrowest_margin = margin


def structure_of(wave) -> Structure:
    """The public structure: which municipality lies in which cluster."""
    municipalities = list(wave.programme.municipalities.all())
    if wave.municipality_id:
        unit = f"M{wave.municipality_id}"
        return Structure({unit: [unit]})
    members = [m for m in municipalities
               if wave.cluster_id is None or m.cluster_id == wave.cluster_id]
    leaves_of = {"P": [f"M{m.pk}" for m in members] + [UNATTRIBUTED]}
    for m in members:
        leaves_of[f"M{m.pk}"] = [f"M{m.pk}"]
        if wave.cluster_id is None and m.cluster_id is not None:
            leaves_of.setdefault(f"C{m.cluster_id}", []).append(f"M{m.pk}")
    return Structure(leaves_of)


def collect(client, wave) -> dict[str, dict]:
    """Every unit's results one person can fetch from the API: {unit: results JSON}."""
    base = f"/api/v1/waves/{wave.pk}/results"
    queries = [""]
    queries += [f"?municipality={m.pk}" for m in wave.programme.municipalities.all()]
    queries += [f"?cluster={c.pk}" for c in wave.programme.clusters.all()]
    seen = {}
    for query in queries:
        response = client.get(base + query)
        if response.status_code != 200:
            continue
        data = response.json()
        if data["available"]:
            seen[data["unit"]] = data
    return seen


def check_pages(client, wave, units: dict[str, dict], sample: int = 3) -> list[str]:
    """The results page of a unit shows no count the API does not: the number of answer sets
    and the perspectives' sizes. Pages and API render the same results (analysis.engine), so a
    few units per person are enough to show it; drawing every page's charts would take long."""
    problems, checked = [], 0
    candidates = [u for u in sorted(units) if u == "P" or u.startswith("M")][:sample]
    for unit in candidates:
        data = units[unit]
        query = f"?municipality={unit[1:]}" if unit.startswith("M") and not \
            wave.municipality_id else ""
        response = client.get(f"/waves/{wave.pk}/results/{query}")
        if response.status_code != 200:
            continue
        if response.context["r"].unit != unit:
            continue
        checked += 1
        html = response.content.decode()
        figures = re.findall(r'class="qd-figure__value">([^<]*)</span>', html)
        expected = [str(data["n"])] + ["×" if g["n"] is None else str(g["n"])
                                       for g in data["perspectives"]]
        shown = data["n"] is not None and data["n"] >= data["minimum_group_size"]
        if shown and figures[:len(expected)] != expected:
            problems.append(f"{unit}: page figures {figures[:len(expected)]} != API {expected}")
    if not checked:
        problems.append("no results page could be compared with the API")
    return problems


def _solve(matrix, rhs, upper_rows, upper_rhs, objective, bounds):
    kwargs = {}
    if matrix is not None:
        kwargs.update(A_eq=matrix, b_eq=rhs)
    if upper_rows is not None:
        kwargs.update(A_ub=upper_rows, b_ub=upper_rhs)
    low = linprog(objective, bounds=bounds, method="highs", **kwargs)
    high = linprog(-objective, bounds=bounds, method="highs", **kwargs)
    top = float("inf") if high.status == 3 else -high.fun
    return low.fun, top


def _unit_sizes(units: dict[str, dict], structure: Structure) -> dict[str, int]:
    """Answer sets per leaf as far as published (the unattributed ones: the rest)."""
    sizes = {}
    for unit, data in units.items():
        if data["n"] is not None:
            sizes[unit] = data["n"]
    if "P" in sizes:
        known = sum(sizes.get(leaf, 0) for leaf in structure.leaves_of["P"]
                    if leaf != UNATTRIBUTED)
        if all(leaf in sizes for leaf in structure.leaves_of["P"] if leaf != UNATTRIBUTED):
            sizes[UNATTRIBUTED] = sizes["P"] - known
    return sizes


def audit(units: dict[str, dict], structure: Structure, minimum: int) -> Report:
    report = Report()
    sizes = _unit_sizes(units, structure)
    leaves = structure.leaves
    for breakdown in ("perspectives", "professional_systems"):
        _audit_sizes(units, structure, leaves, sizes, breakdown, minimum, report)
    any_unit = next((u for u in units.values() if u["items"]), None)
    if any_unit is None:
        return report
    for item in any_unit["items"]:
        _audit_counts(units, structure, leaves, sizes, minimum, report, "items",
                      item["variable"], list(item["values"]))
    for dim in any_unit["dimensions"]:
        _audit_counts(units, structure, leaves, sizes, minimum, report, "dimensions",
                      dim["name"], [])
    return report


def _required(unit, sizes, minimum):
    return min(minimum, sizes.get(unit, minimum))


def _audit_sizes(units, structure, leaves, sizes, breakdown, minimum, report):
    groups = sorted({g["key"] for data in units.values() for g in data[breakdown]})
    if not groups:
        return
    index = {(leaf, g): i for i, (leaf, g) in
             enumerate((leaf, g) for leaf in leaves for g in groups)}
    rows, rhs, hidden = [], [], []
    for unit, data in units.items():
        under = structure.leaves_of.get(unit, [])
        if data["n"] is not None:
            rows.append([index[(leaf, g)] for leaf in under for g in groups])
            rhs.append(data["n"])
        for g in data[breakdown]:
            cells = [index[(leaf, g["key"])] for leaf in under]
            if g["n"] is None:
                hidden.append((unit, g["key"], cells))
            else:
                rows.append(cells)
                rhs.append(g["n"])
                report.published_cells += 1
    matrix = _matrix(rows, len(index))
    for unit, key, cells in hidden:
        objective = np.zeros(len(index))
        objective[cells] = 1
        low, high = _solve(matrix, rhs, None, None, objective, (0, None))
        _judge(report, f"size of group ({breakdown})", unit, key, low, high,
               _required(unit, sizes, minimum))


def _audit_counts(units, structure, leaves, sizes, minimum, report, kind, key, values):
    categories = [*values, "dk"] if values else ["valid"]
    index = {(leaf, c): i for i, (leaf, c) in
             enumerate((leaf, c) for leaf in leaves for c in categories)}
    rows, rhs, hidden = [], [], []
    for unit, data in units.items():
        entry = next((e for e in data[kind] if e.get("variable", e.get("name")) == key), None)
        if entry is None or data["n"] is None or data["n"] < data["minimum_group_size"]:
            if data["n"] is not None and data["n"] > 0:
                hidden.append(unit)
            continue
        under = structure.leaves_of.get(unit, [])
        figures = entry["overall"]["figures"]
        if figures is None:
            hidden.append(unit)
            continue
        report.published_cells += 1
        if values and figures.get("counts") is not None:
            for value, count in zip(values, figures["counts"]):
                rows.append([index[(leaf, value)] for leaf in under])
                rhs.append(count)
            rows.append([index[(leaf, "dk")] for leaf in under])
            rhs.append(figures.get("dont_know") or 0)
        else:
            rows.append([index[(leaf, categories[0])] for leaf in under])
            rhs.append(figures["n_valid"])
    upper, upper_rhs = [], []
    for leaf in leaves:  # a municipality's answers cannot outnumber its answer sets
        if leaf in sizes:
            upper.append([index[(leaf, c)] for c in categories])
            upper_rhs.append(sizes[leaf])
    matrix = _matrix(rows, len(index))
    upper_matrix = _matrix(upper, len(index))
    for unit in hidden:
        objective = np.zeros(len(index))
        for leaf in structure.leaves_of.get(unit, []):
            for c in categories:
                if c != "dk":
                    objective[index[(leaf, c)]] = 1
        low, high = _solve(matrix, rhs, upper_matrix, upper_rhs, objective, (0, None))
        _judge(report, f"valid answers ({kind})", unit, key, low, high,
               _required(unit, sizes, minimum))


def _matrix(rows, width):
    if not rows:
        return None
    matrix = lil_matrix((len(rows), width))
    for r, cells in enumerate(rows):
        for c in cells:
            matrix[r, c] = 1
    return matrix.tocsr()


def _judge(report, what, unit, key, low, high, required):
    report.checked += 1
    width = high - low
    report.note(min(width, 1e9), required)
    if width < required - 1e-6:
        report.findings.append(Finding(what, unit, key, round(low, 3), round(high, 3),
                                       required))
