"""The flow-network intervals of `disclosure.tables` against a general linear program.

An attacker who knows every published cell of a hierarchical table can narrow a withheld cell
down to the smallest and largest value that any non-negative table agreeing with the published
cells gives it. scipy's `linprog` computes those two values directly over the leaf cells; the
product computes them as maximum flows. Both must agree on every withheld cell of many random
tables, and `protect()` must leave every withheld cell at least its requirement wide.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import linprog

from qdialog.disclosure import tables
from qdialog.disclosure.tables import TOTAL, Table, Tree


def random_tree(rng: random.Random) -> Tree:
    parent = {"P": None}
    for c in range(rng.randint(1, 3)):
        parent[f"C{c}"] = "P"
        for m in range(rng.randint(1, 4)):
            parent[f"M{c}{m}"] = f"C{c}"
    for m in range(rng.randint(0, 2)):
        parent[f"D{m}"] = "P"
    parent["U"] = "P"
    return Tree(parent, frozenset(u for u in parent if u != "U"))


def lp_interval(table: Table, hidden: set, cell) -> tuple[float, float]:
    """Smallest and largest value of `cell` over all leaf tables agreeing with what is shown."""
    tree = table.tree
    leaves = tree.leaves
    index = {(leaf, g): i for i, (leaf, g) in
             enumerate((leaf, g) for leaf in leaves for g in table.groups)}
    rows, rhs = [], []
    for unit in tree.nodes:
        under = tree.leaves_under(unit)
        for column in table.columns:
            if (unit, column) in hidden:
                continue
            row = np.zeros(len(index))
            for leaf in under:
                for g in (table.groups if column == TOTAL else [column]):
                    row[index[(leaf, g)]] = 1
            rows.append(row)
            rhs.append(table.value((unit, column)))
    objective = np.zeros(len(index))
    for leaf in tree.leaves_under(cell[0]):
        for g in (table.groups if cell[1] == TOTAL else [cell[1]]):
            objective[index[(leaf, g)]] = 1
    bounds = [(0, table.leaf_caps.get(key)) for key in index]
    equations = {"A_eq": np.array(rows), "b_eq": rhs} if rows else {}
    low = linprog(objective, bounds=bounds, method="highs", **equations)
    high = linprog(-objective, bounds=bounds, method="highs", **equations)
    assert low.status == 0
    top = tables.UNBOUNDED if high.status == 3 else -high.fun
    return low.fun, top


def random_table(rng: random.Random, caps: bool = False) -> Table:
    tree = random_tree(rng)
    groups = [str(g) for g in range(rng.randint(2, 4))]
    counts = {leaf: {g: rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12]) for g in groups}
              for leaf in tree.leaves}
    leaf_caps = {}
    if caps:
        leaf_caps = {(leaf, g): n + rng.choice([0, 1, 3]) for leaf in tree.leaves
                     for g, n in counts[leaf].items()}
    return Table(tree, groups, counts, leaf_caps=leaf_caps)


@pytest.mark.parametrize("seed", range(40))
def test_flow_intervals_equal_the_linear_program(seed):
    rng = random.Random(seed)
    table = random_table(rng, caps=seed % 2 == 1)
    cells = list(table.cells())
    hidden = set(rng.sample(cells, rng.randint(1, len(cells) // 2)))
    widths = table.widths(hidden)
    for cell in hidden:
        low, high = lp_interval(table, hidden, cell)
        if high >= tables.UNBOUNDED:  # no upper bound at all: the network says so too
            assert widths[cell] >= tables.UNBOUNDED // 2, (cell, widths[cell], low, high)
        else:
            assert widths[cell] == round(high - low), (cell, widths[cell], low, high)


@pytest.mark.parametrize("seed", range(25))
def test_protect_leaves_every_withheld_cell_wide_enough(seed):
    rng = random.Random(1000 + seed)
    table = random_table(rng)
    table.always_published = frozenset((u, TOTAL) for u in table.tree.nodes)
    minimum = rng.choice([3, 5])
    hidden = tables.protect(table, minimum)
    for cell in table.cells():
        if 0 < table.value(cell) < minimum and cell not in table.always_published:
            assert cell in hidden  # every small cell is withheld
    for cell in hidden:
        low, high = lp_interval(table, hidden, cell)
        assert high - low >= table.requirement(cell, minimum) - 1e-6, (cell, low, high)


@pytest.mark.parametrize("seed", range(25))
def test_protect_column_leaves_every_withheld_unit_wide_enough(seed):
    rng = random.Random(2000 + seed)
    tree = random_tree(rng)
    sizes = {leaf: rng.choice([0, 1, 2, 4, 7, 11, 20]) for leaf in tree.leaves}
    valid = {leaf: max(0, n - rng.choice([0, 0, 1, 3])) for leaf, n in sizes.items()}
    size_table = tables.column_table(tree, sizes)
    unit_sizes = {u: size_table.value((u, TOTAL)) for u in tree.nodes}
    table = tables.column_table(tree, valid, caps=sizes, unit_sizes=unit_sizes)
    minimum = 5
    units = tables.protect_column(table, minimum,
                                  hidden=[u for u, n in unit_sizes.items() if 0 < n < minimum])
    hidden = {(u, c) for u in units for c in (tables.ONLY, TOTAL)}
    for unit in tree.nodes:
        if 0 < table.value((unit, TOTAL)) < minimum:
            assert unit in units
    for unit in units:
        low, high = lp_interval(table, hidden, (unit, TOTAL))
        assert high - low >= table.requirement((unit, TOTAL), minimum) - 1e-6, (unit, low, high)
