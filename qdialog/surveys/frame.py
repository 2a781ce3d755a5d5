"""Answer sets of a wave as arrays: one row per answer set, one column per numeric variable.

The database extracts every variable (special values as sentinels), so numpy takes the rows as
one matrix without Python work per answer. Analysis and the disclosure plan both read answers
through `load_frame()`; `dimension_scores()` gives each answer set's scale score per dimension.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from django.db import connection

from . import schema
from .models import Response

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
    with connection.connection.cursor() as cursor, \
            cursor.copy(sql, params + where_params) as copy:
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
