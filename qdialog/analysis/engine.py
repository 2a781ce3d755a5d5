"""Results of a survey wave: distributions, means, scale scores, divergence – suppressed.

One code path for every output: the web pages (and, later, the API, exports and reports) read
`wave_results()`. Groups (perspectives, professional systems) smaller than the wave's minimum
group size are suppressed, and complementarily a second group when one alone would be revealed by
the total; within a shown group, an item's figures need at least the minimum number of valid
answers as well.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from django.db import connection

from qdialog.core.suppression import suppress_counts
from qdialog.surveys import schema
from qdialog.surveys.models import Response

from . import stats

VALUE, DK, NA, NS, ABSENT = 0, 1, 2, 3, 4


@dataclass
class Frame:
    """Answer sets as arrays: one row per respondent, one column per variable."""

    variables: list[schema.Variable]
    values: np.ndarray  # float, NaN where there is no value
    kinds: np.ndarray  # VALUE, DK, NA, NS, ABSENT
    perspective: np.ndarray
    system: np.ndarray
    municipality: np.ndarray

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def column(self, name: str) -> int:
        return self._index[name]

    def __post_init__(self):
        self._index = {v.name: i for i, v in enumerate(self.variables)}


# Codes the database returns for the special values (numeric variables never take them).
SENTINELS = {schema.SENTINELS[schema.DONT_KNOW]: DK, schema.SENTINELS[schema.NOT_ANSWERED]: NA,
             schema.SENTINELS[schema.NOT_SHOWN]: NS}
_SPECIAL_SQL = ("WHEN '_dk' THEN -1000000001 WHEN '_na' THEN -1000000002 "
                "WHEN '_ns' THEN -1000000003")


def _extract_sql(vendor: str, name: str) -> tuple[str, list]:
    """SQL turning one variable of the stored JSON into a number (or a sentinel, or NULL)."""
    if vendor == "postgresql":
        # numeric variables hold JSON numbers or the three markers: one look-up each
        return (f"CASE answers ->> %s {_SPECIAL_SQL} ELSE (answers ->> %s)::float8 END",
                [name, name])
    path = f'$."{name}"'
    return (f"CASE json_type(answers, %s) WHEN 'integer' THEN json_extract(answers, %s) "
            f"WHEN 'real' THEN json_extract(answers, %s) WHEN 'text' THEN "
            f"CASE json_extract(answers, %s) {_SPECIAL_SQL} END END", [path] * 4)


def _copy_matrix(parts, params, where, where_params, width):
    """PostgreSQL: every column as float8 through COPY … (FORMAT BINARY), read by numpy.

    All fields are non-null float8, so every row has the same size and the whole result is one
    structured array – no Python object per answer."""
    groups = [f"CASE WHEN {col} ~ '^[0-9]+$' THEN {col}::float8 ELSE 'NaN' END"
              for col in ("perspective", "professional_system")]
    groups.append("COALESCE(municipality_id::float8, 'NaN')")
    columns = groups + [f"COALESCE(({p}), 'NaN')::float8" for p in parts]
    sql = (f"COPY (SELECT {', '.join(columns)} FROM {Response._meta.db_table} {where} "
           f"ORDER BY id) TO STDOUT (FORMAT BINARY)")
    with connection.connection.cursor() as cursor:
        with cursor.copy(sql, params + where_params) as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
    fields = width + 3
    header = 19 + int.from_bytes(data[15:19], "big")
    body = data[header:-2]  # the trailer is a 16-bit -1
    row = np.dtype([("count", ">i2")] + [item for i in range(fields)
                                         for item in ((f"l{i}", ">i4"), (f"v{i}", ">f8"))])
    records = np.frombuffer(body, dtype=row)
    return np.stack([records[f"v{i}"].astype(float) for i in range(fields)], axis=1) \
        if len(records) else np.empty((0, fields))


def _group_keys(column: np.ndarray) -> np.ndarray:
    """Float group codes back to the stored text keys ("" for none), via the few distinct."""
    filled = np.where(np.isnan(column), -1, column).astype(np.int64)
    distinct, inverse = np.unique(filled, return_inverse=True)
    labels = np.array(["" if d < 0 else str(d) for d in distinct], dtype=object)
    return labels[inverse]


def _where(wave, municipality_ids):
    where, params = "WHERE wave_id = %s", [wave.pk]
    if municipality_ids is not None:
        ids = [int(i) for i in municipality_ids]
        if not ids:
            where += " AND 1 = 0"
        else:
            where += f" AND municipality_id IN ({', '.join(['%s'] * len(ids))})"
            params += ids
    return where, params


def _from_vectors(wave, instrument, variables, municipality_ids):
    """The fast path: each answer set's numeric answers stored as one float64 vector.

    Returns None when an answer set lacks a vector of the right length (then the JSON is read)."""
    where, params = _where(wave, municipality_ids)
    sql = (f"SELECT perspective, professional_system, municipality_id, vector "
           f"FROM {Response._meta.db_table} {where} ORDER BY id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    full = instrument.numeric_variables
    width = len(full) * 8
    blobs = [row[3] for row in rows]
    if any(blob is None or len(blob) != width for blob in blobs):
        return None
    n = len(rows)
    matrix = (np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<f8")
              .reshape(n, len(full)).astype(float) if n else np.empty((0, len(full))))
    index = {v.name: i for i, v in enumerate(full)}
    matrix = matrix[:, [index[v.name] for v in variables]] if n else \
        np.empty((0, len(variables)))
    groups = list(zip(*[row[:3] for row in rows])) if n else [(), (), ()]
    return matrix, groups


def load_frame(wave, *, municipality_ids=None, variables=None) -> Frame:
    """Read the answer sets of a wave into arrays.

    The database extracts every variable from the stored JSON as a number (special values as
    sentinels), so the rows arrive as floats and numpy takes them as one matrix – no Python
    work per answer."""
    instrument = schema.compiled(wave.instrument)
    variables = variables or instrument.numeric_variables
    fast = _from_vectors(wave, instrument, variables, municipality_ids)
    if fast is not None:
        matrix, groups = fast
        return _frame(variables, matrix, groups)
    names = [v.name for v in variables]
    parts, params = [], []
    for name in names:
        sql_part, part_params = _extract_sql(connection.vendor, name)
        parts.append(sql_part)
        params += part_params
    where, where_params = _where(wave, municipality_ids)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        full = _copy_matrix(parts, params, where, where_params, len(names))
        matrix = full[:, 3:]
        keys = [_group_keys(full[:, 0]), _group_keys(full[:, 1])]
        munis = _group_keys(full[:, 2])
        munis = np.array([int(m) if m else None for m in munis], dtype=object) \
            if len(munis) else munis
        groups = [keys[0], keys[1], munis]
    else:
        sql = (f"SELECT perspective, professional_system, municipality_id"
               f"{', ' if parts else ''}{', '.join(parts)} "
               f"FROM {Response._meta.db_table} {where} ORDER BY id")
        with connection.cursor() as cursor:
            cursor.execute(sql, params + where_params)
            rows = cursor.fetchall()
        if rows:
            matrix = np.array([row[3:] for row in rows], dtype=float)  # None becomes NaN
            groups = list(zip(*[row[:3] for row in rows]))
        else:
            matrix = np.empty((0, len(names)))
            groups = [(), (), ()]
    return _frame(variables, matrix, groups)


def _frame(variables, matrix, groups) -> Frame:
    kinds = np.where(np.isnan(matrix), ABSENT, VALUE).astype(np.int8)
    for sentinel, kind in SENTINELS.items():
        hit = matrix == sentinel
        kinds[hit] = kind
        matrix[hit] = np.nan
    return Frame(variables, matrix, kinds, np.array(groups[0], dtype=object),
                 np.array(groups[1], dtype=object), np.array(groups[2], dtype=object))


@dataclass
class GroupFigures:
    key: str
    label: str
    n_group: int | None  # None: suppressed
    reason: str = ""
    n_valid: int | None = None
    counts: list[int] | None = None  # per scale point / option
    shares: list[float] | None = None
    dont_know: int | None = None
    not_answered: int | None = None
    summary: stats.Summary | None = None

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

    @property
    def divergence(self) -> list:
        """Items and dimensions ranked by how far the perspectives' means lie apart."""
        rows = [r for r in [*self.dimensions, *self.items] if r.spread_std is not None]
        return sorted(rows, key=lambda r: -r.spread_std)


def _labels(instrument: schema.CInstrument, role: str) -> dict[str, str]:
    item = instrument.role_item(role)
    return {str(c.value): c.label("de") for c in item.choices} if item else {}


def _groups(keys: np.ndarray, labels: dict[str, str], minimum: int):
    """Group masks with suppression (small groups and the complementary one)."""
    counts = {k: int((keys == k).sum()) for k in labels}
    for k in set(keys.tolist()) - set(labels):
        if k:
            counts[k] = int((keys == k).sum())
    cells = suppress_counts(counts, minimum)
    out = []
    for key in counts:
        cell = cells[key]
        out.append((key, labels.get(key, key), keys == key, cell))
    return out


def _figures(key, label, mask, cell, frame, col, variable, minimum) -> GroupFigures:
    if cell is not None and cell.suppressed:
        return GroupFigures(key, label, None, cell.reason)
    n_group = int(mask.sum())
    if n_group == 0:
        return GroupFigures(key, label, 0, "empty")
    kinds = frame.kinds[mask, col]
    values = frame.values[mask, col]
    valid = values[~np.isnan(values)]
    figures = GroupFigures(key, label, n_group, n_valid=int(valid.size),
                           dont_know=int((kinds == DK).sum()),
                           not_answered=int((kinds == NA).sum()))
    if valid.size < minimum:
        figures.reason = "few"
        return figures
    if variable is not None and variable.choices:
        codes = [c.value for c in variable.choices]
        if codes == list(range(1, len(codes) + 1)):  # the usual 1..k: one counting pass
            tally = np.bincount(valid.astype(np.int64), minlength=len(codes) + 1)
            figures.counts = [int(x) for x in tally[1:len(codes) + 1]]
        else:
            figures.counts = [int((valid == code).sum()) for code in codes]
        figures.shares = [c / valid.size for c in figures.counts]
    figures.summary = stats.summary(valid)
    return figures


def wave_results(wave, *, municipality_ids=None) -> WaveResults:
    instrument = schema.compiled(wave.instrument)
    minimum = max(3, wave.min_group_size)
    frame = load_frame(wave, municipality_ids=municipality_ids)
    perspectives = _groups(frame.perspective, _labels(instrument, "perspective"), minimum)
    systems = _groups(frame.system, _labels(instrument, "professional_system"), minimum)
    everyone = np.ones(frame.n, dtype=bool)
    results = WaveResults(
        wave, frame.n, frame.n >= minimum, minimum,
        [GroupFigures(k, label, None if c.suppressed else c.count, c.reason)
         for k, label, _, c in perspectives],
        [GroupFigures(k, label, None if c.suppressed else c.count, c.reason)
         for k, label, _, c in systems])
    if frame.n < minimum:
        return results
    for col, variable in enumerate(frame.variables):
        if variable.measure not in ("scale", "nominal", "number"):
            continue
        if instrument.item_by_code[variable.item].role:
            continue
        item = ItemResult(
            variable,
            _figures("all", "", everyone, None, frame, col, variable, minimum),
            [_figures(k, lbl, m, c, frame, col, variable, minimum)
             for k, lbl, m, c in perspectives],
            [_figures(k, lbl, m, c, frame, col, variable, minimum) for k, lbl, m, c in systems])
        if variable.measure == "scale":
            item.spread, item.spread_std = stats.spread_of(
                [g.summary for g in item.by_perspective if g.summary is not None])
        results.items.append(item)
    results.dimensions = _dimensions(instrument, frame, perspectives, systems, minimum)
    return results


def dimension_scores(frame: Frame) -> dict[str, tuple[list[int], np.ndarray, np.ndarray]]:
    """{dimension: (columns, item matrix reverse coded, scale score per respondent)}.

    A respondent's scale score is the mean of the dimension's items they answered, if they
    answered at least half of them."""
    by_dimension: dict[str, list[int]] = {}
    for col, variable in enumerate(frame.variables):
        if variable.measure == "scale" and variable.dimension:
            by_dimension.setdefault(variable.dimension, []).append(col)
    out = {}
    for name, cols in by_dimension.items():
        matrix = frame.values[:, cols].copy()
        for i, col in enumerate(cols):
            variable = frame.variables[col]
            if variable.reverse:
                matrix[:, i] = len(variable.choices) + 1 - matrix[:, i]
        answered = (~np.isnan(matrix)).sum(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows without any answer
            means = np.nanmean(matrix, axis=1)
        out[name] = (cols, matrix, np.where(answered * 2 >= len(cols), means, np.nan))
    return out


def _dimensions(instrument, frame, perspectives, systems, minimum) -> list[DimensionResult]:
    out = []
    everyone = np.ones(frame.n, dtype=bool)
    for name, (cols, matrix, score) in dimension_scores(frame).items():
        scored = Frame([schema.Variable(name, name, {}, "scale")], score.reshape(-1, 1),
                       np.where(np.isnan(score), NA, VALUE).reshape(-1, 1),
                       frame.perspective, frame.system, frame.municipality)
        dim = DimensionResult(
            name, instrument.dimension_label(name), [frame.variables[c].name for c in cols],
            stats.cronbach_alpha(matrix),
            _figures("all", "", everyone, None, scored, 0, None, minimum),
            [_figures(k, lbl, m, c, scored, 0, None, minimum) for k, lbl, m, c in perspectives],
            [_figures(k, lbl, m, c, scored, 0, None, minimum) for k, lbl, m, c in systems])
        dim.spread, dim.spread_std = stats.spread_of(
            [g.summary for g in dim.by_perspective if g.summary is not None])
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

    The answers are anonymous, so nobody can be followed from one wave to the next; a group that
    is below the minimum in either wave is not compared."""
    minimum = max(3, wave_a.min_group_size, wave_b.min_group_size)
    instrument = schema.compiled(wave_b.instrument)
    shared = {v.name for v in schema.compiled(wave_a.instrument).variables if v.numeric}
    variables = [v for v in instrument.variables if v.measure == "scale" and v.name in shared]
    frame_a = load_frame(wave_a, municipality_ids=municipality_ids, variables=variables)
    frame_b = load_frame(wave_b, municipality_ids=municipality_ids, variables=variables)
    rows = []
    if frame_a.n < minimum or frame_b.n < minimum:
        return rows

    def row(key, label, kind, a, b):
        sa, sb = stats.summary(a), stats.summary(b)
        if sa.n < minimum or sb.n < minimum:
            return ComparisonRow(key, label, kind, None, None, None)
        return ComparisonRow(key, label, kind, sa, sb, stats.difference(a, b))

    scores_a, scores_b = dimension_scores(frame_a), dimension_scores(frame_b)
    for name in scores_b:
        if name in scores_a:
            rows.append(row(name, instrument.dimension_label(name), "dimension",
                            scores_a[name][2], scores_b[name][2]))
    for col, variable in enumerate(variables):
        rows.append(row(variable.name, variable.label("de"), "item", frame_a.values[:, col],
                        frame_b.values[:, col]))
    return rows
