"""The statements that store one answer set exactly once (called by services.response_submit).

A whole programme answers at the same time, and for the server each answer set is a handful of
statements; on PostgreSQL every statement is a round trip that costs the web process more CPU
than the database needs to run it. So the submission is written as statements built once, with
table and column names taken from the models (core/rows.py):

* **PostgreSQL**: one statement, which PostgreSQL runs atomically on its own – mark the personal
  code used (only if it is not yet, belongs to the wave and the wave takes answers today),
  store the submission token and the answer set only if that happened, and count the wave's
  answer sets not yet mixed. A second submission with the same code waits for the code's row
  and then finds it used.
* **SQLite** (in the same process, where statements cost little): the same steps in one
  transaction, the token first so that a token seen before rolls everything back.

If nothing was stored, the reason is read afterwards: the token was seen before ("duplicate",
a double click or a retry), the code was used ("used"), or the wave does not take answers
("closed"). Whatever happens, either all of code, token and answer set are written or none.
"""

from __future__ import annotations

import contextlib
import re

from django.db import IntegrityError, connection, transaction

from qdialog.core.fields import random_id
from qdialog.core.rows import insert_values

from .models import AccessCode, Response, SubmissionToken, Wave, WaveStatus

_SQL: dict = {}


def store(*, wave: Wave, code_pk: int | None, token: str, row: dict, today) -> tuple[str, int]:
    """("stored" | "duplicate" | "used" | "closed", unmixed answer sets of the wave after this
    one, counted up to the mixing batch; 0 when nothing was stored)."""
    try:
        if connection.vendor == "postgresql":
            stored, unmixed = _store_postgresql(wave, code_pk, token, row, today)
        else:
            stored, unmixed = _store_portable(wave, code_pk, token, row, today)
    except _NotStored:
        stored, unmixed = False, 0
    except IntegrityError:
        return "duplicate", 0
    if stored:
        return "stored", unmixed
    if SubmissionToken.objects.filter(wave_id=wave.pk, token=token).exists():
        return "duplicate", 0
    if code_pk is not None and AccessCode.objects.filter(pk=code_pk, used=True).exists():
        return "used", 0
    return "closed", 0


def _batch() -> int:
    from django.conf import settings

    return max(2, settings.QDIALOG_MIX_BATCH)


def _names():
    quote = connection.ops.quote_name

    def columns(model, *names):
        return {name: quote(model._meta.get_field(name).column) for name in names}

    return (quote, columns(AccessCode, "id", "used", "draft", "wave"),
            columns(Wave, "id", "status", "opens_on", "closes_on"),
            columns(Response, "wave", "mixed"))


def _wave_open(quote, w) -> str:
    return (f"SELECT {w['id']} FROM {quote(Wave._meta.db_table)} WHERE {w['id']} = %s "
            f"AND {w['status']} = %s AND {w['opens_on']} <= %s AND {w['closes_on']} >= %s")


def _unmixed(quote, r) -> str:
    # "NOT mixed" is the condition of the partial index response_unmixed
    return (f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(Response._meta.db_table)} "
            f"WHERE {r['wave']} = %s AND NOT {r['mixed']} LIMIT %s) AS unmixed")


def _insert_from(model, names: list[str], source: str, casts: dict) -> str:
    """INSERT INTO model (names) SELECT %s::type, … FROM source RETURNING 1 (PostgreSQL)."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(quote(f.column) for f in fields)
    # types without a length: a value too long for its column then fails as with the ORM
    # instead of being cut off by the cast
    values = ", ".join(
        f"%s::{casts.get(f.name) or re.sub(r'[(].*[)]', '', f.db_type(connection))}"
        for f in fields)
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"SELECT {values} FROM {source} RETURNING 1")


def _postgresql_sql(personal: bool, token_names, row_names) -> str:
    key = ("postgresql", personal, tuple(row_names))
    if key not in _SQL:
        quote, c, w, r = _names()
        casts = {"wave": "bigint", "municipality": "bigint"}
        token_insert = _insert_from(SubmissionToken, token_names, "code" if personal else
                                    f"(SELECT 1 WHERE EXISTS ({_wave_open(quote, w)})) AS open",
                                    casts)
        steps = []
        if personal:
            steps.append(
                f"code AS (UPDATE {quote(AccessCode._meta.db_table)} "
                f"SET {c['used']} = true, {c['draft']} = NULL WHERE {c['id']} = %s "
                f"AND NOT {c['used']} AND {c['wave']} IN ({_wave_open(quote, w)}) RETURNING 1)")
        steps.append(f"token AS ({token_insert})")
        steps.append(f"answer AS ({_insert_from(Response, row_names, 'token', casts)})")
        _SQL[key] = (f"WITH {', '.join(steps)} SELECT (SELECT COUNT(*) FROM answer), "
                     f"({_unmixed(quote, r)})")
    return _SQL[key]


def _store_postgresql(wave, code_pk, token, row, today) -> tuple[bool, int]:
    personal = code_pk is not None
    open_params = [wave.pk, WaveStatus.OPEN, today, today]
    token_values = {"id": random_id(), "wave": wave.pk, "token": token}
    params = ([code_pk, *open_params] if personal else [])
    params += _prepared(SubmissionToken, token_values)
    if not personal:
        params += open_params
    params += _prepared(Response, row)
    params += [wave.pk, _batch()]
    # (in the order the placeholders stand in the statement: without a personal code the
    # wave's condition follows the token's values, in the FROM of the token's INSERT … SELECT)
    sql = _postgresql_sql(personal, list(token_values), list(row))
    # inside a caller's transaction (tests, imports) a savepoint keeps a refused statement
    # from breaking it; on its own the statement is its own transaction
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        stored, unmixed = cursor.fetchone()
    return bool(stored), (unmixed + 1) if stored else 0


def _prepared(model, values: dict) -> list:
    meta = model._meta
    return [meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in values.items()]


def _store_portable(wave, code_pk, token, row, today) -> tuple[bool, int]:
    quote, c, w, r = _names()
    open_params = [wave.pk, WaveStatus.OPEN, today, today]
    with transaction.atomic(), connection.cursor() as cursor:
        # First statement of the transaction: a token seen before (a double click, a retry)
        # violates the unique constraint and rolls everything back.
        cursor.execute(*insert_values(SubmissionToken, {
            "id": random_id(), "wave": wave.pk, "token": token}))
        if code_pk is not None:
            cursor.execute(
                f"UPDATE {quote(AccessCode._meta.db_table)} SET {c['used']} = %s, "
                f"{c['draft']} = NULL WHERE {c['id']} = %s AND NOT {c['used']} "
                f"AND {c['wave']} IN ({_wave_open(quote, w)})", [True, code_pk, *open_params])
            if cursor.rowcount != 1:
                raise _NotStored
        else:
            cursor.execute(_wave_open(quote, w), open_params)
            if cursor.fetchone() is None:
                raise _NotStored
        cursor.execute(_unmixed(quote, r), [wave.pk, _batch()])
        unmixed = cursor.fetchone()[0]
        cursor.execute(*insert_values(Response, row))
    return True, unmixed + 1


class _NotStored(Exception):
    pass
