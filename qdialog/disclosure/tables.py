"""Hierarchical two-way tables and the exact check of what an attacker can work out from them.

A table counts people: rows are the units of a wave's tree (programme → clusters →
municipalities, and a row for answer sets without a municipality), columns are the groups of
one breakdown (the perspectives, say) plus the row total. Parents are the sums of their
children, and every row is the sum of its groups. Some cells are published, the others are
withheld ("suppressed").

What can someone learn about a withheld cell from all the published ones together? Exactly the
interval of values the cell can take in any table of non-negative numbers that agrees with
everything published. For tables of this shape that interval is computed without a general
linear program: the table is a flow network (each cell an arc, each sum a node), and the most a
withheld cell can rise or fall is a maximum flow around it in the residual network of the true
table. `Table.width()` does that with scipy's maximum-flow routine.

`protect()` suppresses every cell that counts fewer than the minimum, then keeps withholding
further cells until no withheld cell can be narrowed down to fewer than `minimum` + 1 possible
values (or, in a unit with fewer answer sets than that in all, to less than its own total
allows). Withholding a cell only ever widens the intervals, so the loop ends.

Nothing here knows Django or surveys; tests check the intervals against scipy's `linprog`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

TOTAL = "*"
#: stands for "no upper bound" in the flow network (far more than any count of people)
UNBOUNDED = 1 << 20


@dataclass(frozen=True)
class Tree:
    """Units and their parents. `published` are the units whose figures someone may see."""

    parent: dict[str, str | None]
    published: frozenset[str]

    def __post_init__(self):
        children: dict[str, list[str]] = {u: [] for u in self.parent}
        for unit, parent in self.parent.items():
            if parent is not None:
                children[parent].append(unit)
        leaves = [u for u in self.parent if not children[u]]
        under: dict[str, list[str]] = {u: [] for u in self.parent}
        for leaf in leaves:
            unit = leaf
            while unit is not None:
                under[unit].append(leaf)
                unit = self.parent[unit]
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_leaves", leaves)
        object.__setattr__(self, "_under", under)

    @property
    def root(self) -> str:
        return next(u for u, p in self.parent.items() if p is None)

    @property
    def nodes(self) -> list[str]:
        return list(self.parent)

    def children(self, unit: str) -> list[str]:
        return list(self._children[unit])

    def is_leaf(self, unit: str) -> bool:
        return not self._children[unit]

    @property
    def leaves(self) -> list[str]:
        return list(self._leaves)

    def leaves_under(self, unit: str) -> list[str]:
        return list(self._under[unit])

    def ancestors(self, unit: str) -> list[str]:
        """The unit itself and everything above it."""
        out = [unit]
        while self.parent[out[-1]] is not None:
            out.append(self.parent[out[-1]])
        return out


Cell = tuple[str, str]  # (unit, group or TOTAL)


@dataclass
class Table:
    """Counts per leaf and group; every unit's counts follow by summing its leaves."""

    tree: Tree
    groups: Sequence[str]
    leaf_counts: dict[str, dict[str, int]]
    #: upper bounds of leaf cells that the attacker is taken to know (e.g. an item's valid
    #: answers cannot exceed the group's size); missing: no bound
    leaf_caps: dict[Cell, int] = field(default_factory=dict)
    #: cells published anyway whatever their size (e.g. the answer sets of a municipality,
    #: which its response rate shows)
    always_published: frozenset[Cell] = frozenset()
    #: answer sets per unit, for the width a withheld cell needs (default: the row totals)
    unit_sizes: dict[str, int] | None = None

    def __post_init__(self):
        self._value: dict[Cell, int] = {}
        for unit in self.tree.nodes:
            leaves = self.tree.leaves_under(unit)
            total = 0
            for group in self.groups:
                n = sum(int(self.leaf_counts.get(leaf, {}).get(group, 0)) for leaf in leaves)
                self._value[(unit, group)] = n
                total += n
            self._value[(unit, TOTAL)] = total

    @property
    def columns(self) -> list[str]:
        return [*self.groups, TOTAL]

    def value(self, cell: Cell) -> int:
        return self._value[cell]

    def cells(self) -> Iterable[Cell]:
        for unit in self.tree.nodes:
            for column in self.columns:
                yield (unit, column)

    def requirement(self, cell: Cell, minimum: int) -> int:
        """How wide the attacker's interval for a withheld cell must stay: the minimum group
        size, or the unit's own total where that is smaller (a unit of three answer sets cannot
        hide more than that its three people are somewhere among its groups)."""
        size = (self.unit_sizes or {}).get(cell[0])
        return min(minimum, self.value((cell[0], TOTAL)) if size is None else size)

    # --- the flow network ---------------------------------------------------------------------
    def _network(self, hidden: set[Cell]):
        """Arcs of the network, one per cell: (tail, head, flow, capacity or None if fixed)."""
        tree, root = self.tree, self.tree.root
        index: dict[object, int] = {}

        def node(key):
            return index.setdefault(key, len(index))

        source = node("source")
        arcs: dict[Cell, tuple[int, int, int, int | None]] = {}
        for unit in tree.nodes:
            leaf = tree.is_leaf(unit)
            for group in self.groups:
                tail = source if unit == root else node(("g", tree.parent[unit], group))
                head = node(("t", unit)) if leaf else node(("g", unit, group))
                cap = self.leaf_caps.get((unit, group), UNBOUNDED) if leaf else UNBOUNDED
                arcs[(unit, group)] = (tail, head, self.value((unit, group)), cap)
            tail = node(("t", unit))
            head = source if unit == root else node(("t", tree.parent[unit]))
            arcs[(unit, TOTAL)] = (tail, head, self.value((unit, TOTAL)), UNBOUNDED)
        free = {cell for cell in arcs if cell in hidden}
        return arcs, free, len(index)

    def widths(self, hidden: set[Cell], cells: Iterable[Cell] | None = None) -> dict[Cell, int]:
        """For each withheld cell, how far apart its smallest and largest possible values lie."""
        arcs, free, size = self._network(hidden)
        targets = list(free if cells is None else cells)
        # residual arcs of the free cells: up to the capacity forwards, down to zero backwards
        order = sorted(free)
        position = {cell: i for i, cell in enumerate(order)}
        rows = np.empty(2 * len(order), dtype=np.int32)
        cols = np.empty(2 * len(order), dtype=np.int32)
        caps = np.empty(2 * len(order), dtype=np.int32)
        for i, cell in enumerate(order):
            tail, head, flow, cap = arcs[cell]
            rows[2 * i], cols[2 * i], caps[2 * i] = tail, head, min(UNBOUNDED, cap - flow)
            rows[2 * i + 1], cols[2 * i + 1], caps[2 * i + 1] = head, tail, flow
        out = {}
        for cell in targets:
            tail, head, flow, cap = arcs[cell]
            keep = np.ones(len(caps), dtype=bool)
            if cell in position:  # a cell's own arcs do not count as a way around it
                keep[2 * position[cell]:2 * position[cell] + 2] = False
            if not keep.any():
                out[cell] = 0
                continue
            matrix = csr_matrix((caps[keep], (rows[keep], cols[keep])), shape=(size, size))
            matrix.sum_duplicates()
            up = min(cap - flow, maximum_flow(matrix, head, tail).flow_value)
            down = min(flow, maximum_flow(matrix, tail, head).flow_value)
            out[cell] = int(min(UNBOUNDED, up + down))
        return out


def primary(table: Table, minimum: int) -> set[Cell]:
    """Cells that count someone but fewer than the minimum, and everything of an unpublished
    unit or of a unit whose total is below the minimum (its rows are withheld whole)."""
    hidden = set()
    for unit in table.tree.nodes:
        whole = (unit not in table.tree.published
                 or 0 < table.value((unit, TOTAL)) < minimum)
        for column in table.columns:
            cell = (unit, column)
            if cell in table.always_published:
                continue
            if whole or 0 < table.value(cell) < minimum:
                hidden.add(cell)
    return hidden


def _neighbours(table: Table, cell: Cell) -> list[Cell]:
    """Cells that share a sum with `cell`: its row, and its column one level up, one level
    down and among the siblings."""
    unit, column = cell
    tree = table.tree
    near = [(unit, c) for c in table.columns if c != column]
    parent = tree.parent[unit]
    if parent is not None:
        near.append((parent, column))
        near += [(s, column) for s in tree.children(parent) if s != unit]
    near += [(c, column) for c in tree.children(unit)]
    return near


def _candidate_rings(table: Table, cell: Cell, hidden: set[Cell]):
    """Published cells to try withholding, nearest first: the neighbours of `cell`, then the
    neighbours of the withheld cells among them (closing a cycle often needs a cell there),
    then every other cell."""
    def open_(cells):
        # zeros too: a row whose other cells all show 0 gives its withheld cell away
        return sorted({c for c in cells if c not in hidden and c not in table.always_published},
                      key=lambda c: (table.value(c) == 0, table.value(c), c))

    first = _neighbours(table, cell)
    yield open_(first)
    second = [n for h in first if h in hidden for n in _neighbours(table, h)]
    yield open_(set(second) - set(first))
    yield open_(set(table.cells()) - set(first) - set(second))


def _best_option(rings, width: int, need: int, trial, value):
    """(new width, option): the smallest option that makes the cell wide enough; failing
    that, the one that widens it most; failing that (a cycle needs several cells), the
    smallest of the nearest ring. None when nothing is left to withhold."""
    fallback = None
    for ring in rings:
        if not ring:
            continue
        scored = [(trial(option), option) for option in ring[:12]]
        enough = [s for s in scored if s[0] >= need]
        if enough:
            return min(enough, key=lambda s: (value(s[1]) == 0, value(s[1]), s[1]))
        better = [s for s in scored if s[0] > width]
        if better:
            return max(better, key=lambda s: (s[0], -value(s[1])))
        if fallback is None:
            fallback = scored[0]
    return fallback


def _relations(table: Table):
    """Every sum of the table as (the summed cells, the sum's cell)."""
    tree = table.tree
    for unit in tree.nodes:
        yield [(unit, g) for g in table.groups], (unit, TOTAL)
        children = tree.children(unit)
        if children:
            for column in table.columns:
                yield [(c, column) for c in children], (unit, column)


def _sum_rule(table: Table, minimum: int, hidden: set[Cell]) -> None:
    """A cheap first pass: in every sum with a published result, the withheld cells must
    together hold at least the minimum and be at least two – otherwise the smallest further
    cell of that sum is withheld. Repeated until no sum needs more. The exact check follows."""
    changed = True
    while changed:
        changed = False
        for parts, whole in _relations(table):
            # (a withheld cell of a unit without any answer set needs no protection)
            withheld = [c for c in parts if c in hidden and table.requirement(c, minimum) > 0]
            if not withheld or whole in hidden:
                continue
            need = min(minimum, table.requirement(whole, minimum))
            if len(withheld) >= 2 and sum(table.value(c) for c in withheld) >= need:
                continue
            options = sorted((c for c in parts if c not in hidden
                              and c not in table.always_published and table.value(c) > 0),
                             key=lambda c: (table.value(c), c))
            if options:
                hidden.add(options[0])
                changed = True


def protect(table: Table, minimum: int, hidden: set[Cell] | None = None) -> set[Cell]:
    """Withhold cells until every withheld one keeps an interval at least its requirement wide.

    Starts from the primary suppressions (and `hidden`, e.g. cells withheld in a coarser
    table). For a cell still too narrow, the candidate that widens it most is withheld (ties:
    the smallest count, so that as little as possible is lost); when no single candidate helps
    enough, the one that helps most is withheld and the cell is looked at again. Withholding
    only widens intervals, so a cell found wide enough stays so, and only newly withheld cells
    need to be looked at again."""
    hidden = set(hidden or ()) | primary(table, minimum)
    if not hidden:
        return hidden
    _sum_rule(table, minimum, hidden)
    widths = table.widths(hidden)
    pending = [c for c, w in widths.items() if w < table.requirement(c, minimum)]
    while pending:
        pending.sort(key=lambda c: (table.value(c), c))
        cell = pending.pop(0)
        need = table.requirement(cell, minimum)
        width = table.widths(hidden, [cell])[cell]
        added = []
        while width < need:
            choice = _best_option(
                _candidate_rings(table, cell, hidden), width, need,
                lambda option, cell=cell: table.widths(hidden | {option}, [cell])[cell],
                table.value)
            if choice is None:
                break
            hidden.add(choice[1])
            added.append(choice[1])
            width = choice[0]
        if added:
            fresh = table.widths(hidden, added)
            pending += [c for c, w in fresh.items() if w < table.requirement(c, minimum)
                        and c not in pending]
    return hidden


# --- one-way tables: a single count per unit (an item's valid answers, say) --------------------
ONLY = "n"


def column_table(tree: Tree, leaf_values: dict[str, int], *, caps: dict[str, int] | None = None,
                 unit_sizes: dict[str, int] | None = None) -> Table:
    """A count per unit as a table with one group: the group cell and the total are one
    figure, withheld together."""
    return Table(tree, [ONLY], {leaf: {ONLY: n} for leaf, n in leaf_values.items()},
                 leaf_caps={(leaf, ONLY): cap for leaf, cap in (caps or {}).items()},
                 unit_sizes=unit_sizes)


def _as_cells(units: Iterable[str]) -> set[Cell]:
    return {cell for u in units for cell in ((u, ONLY), (u, TOTAL))}


def protect_column(table: Table, minimum: int, hidden: Iterable[str] = ()) -> set[str]:
    """The units whose count must be withheld: those below the minimum (and the unpublished),
    and then siblings, parents or children until every withheld count keeps an interval at
    least its requirement wide."""
    tree = table.tree
    units = set(hidden) | {u for u in tree.nodes if u not in tree.published
                           or 0 < table.value((u, TOTAL)) < minimum}

    def width(unit, extra=()):
        cells = _as_cells(units | set(extra))
        return table.widths(cells, [(unit, ONLY)])[(unit, ONLY)]

    pending = [u for u in units if width(u) < table.requirement((u, ONLY), minimum)]
    while pending:
        pending.sort(key=lambda u: (table.value((u, TOTAL)), u))
        unit = pending.pop(0)
        need = table.requirement((unit, ONLY), minimum)
        current = width(unit)
        added = []
        while current < need:
            def near(u):
                parent = tree.parent[u]
                return ([parent] if parent else []) + tree.children(u) + (
                    [s for s in tree.children(parent) if s != u] if parent else [])

            def open_(candidates):
                return sorted({u for u in candidates if u not in units},
                              key=lambda u: (table.value((u, TOTAL)) == 0,
                                             table.value((u, TOTAL)), u))

            first = near(unit)
            second = {n for h in first if h in units for n in near(h)} - set(first)
            rings = [open_(first), open_(second), open_(set(tree.nodes) - set(first) - second)]
            choice = _best_option(rings, current, need, lambda u, unit=unit: width(unit, [u]),
                                  lambda u: table.value((u, TOTAL)))
            if choice is None:
                break
            units.add(choice[1])
            added.append(choice[1])
            current = choice[0]
        for new in added:
            if width(new) < table.requirement((new, ONLY), minimum) and new not in pending:
                pending.append(new)
    return units
