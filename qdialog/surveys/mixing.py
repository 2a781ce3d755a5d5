"""Mixing the answer sets of a wave, so that nothing stored keeps the order they arrived in.

An answer set has no link to a code or a person, and its key is random. But a database keeps
order of its own: SQLite and PostgreSQL store new rows one after another, and PostgreSQL marks
each row with the number of the transaction that wrote it – the same transaction that marked
the respondent's code as used. Whoever reads the database could then pair codes (and with
them invitation addresses) with answer sets by that number or by position.

So answer sets are rewritten, in a random order, under new random keys, in one transaction:

* after every `QDIALOG_MIX_BATCH` new answer sets of a wave (default 10), the new ones among
  themselves – right after the submission that completes the batch;
* all answer sets of a wave when it closes, and every night for open waves
  (`qdialog mix-answers`, which also has PostgreSQL reclaim the space of the old rows).

Deleted rows are overwritten on SQLite (`PRAGMA secure_delete`); on PostgreSQL the old row
versions stay in the table file until VACUUM reclaims them, which `mix-answers` runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from .models import Response, Wave

COLUMNS = ["wave_id", "municipality_id", "submitted_on", "language", "perspective",
           "professional_system", "answers", "vector"]
#: a new random key per row, drawn by the database (SQLite's and PostgreSQL's random() are
#: seeded from the operating system's random source)
NEW_KEY = {
    "sqlite": "(abs(random()) %% 4611686018427387903) + 1",  # %% : a literal % in SQL
    "postgresql": "(floor(random() * 4611686018427387903))::bigint + 1",
}


def responses_mix(*, wave: Wave, only_new: bool = False, at_least: int = 1) -> int:
    """Rewrite the wave's answer sets (or only those not mixed yet) in a random order under
    new keys, in one transaction. Returns how many were rewritten (0 if fewer than `at_least`
    were due). Done in SQL, so the answers are copied as they are, never parsed."""
    table = Response._meta.db_table
    where = "wave_id = %s" + (" AND NOT mixed" if only_new else "")
    with transaction.atomic():
        # one mixer per wave at a time; submissions do not wait for this lock
        Wave.objects.select_for_update().filter(pk=wave.pk).first()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE {where}", [wave.pk])
            old = [row[0] for row in cursor.fetchall()]
            if len(old) < at_least or not old:
                return 0
            columns = ", ".join(COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} (id, mixed, {columns}) "
                f"SELECT {NEW_KEY[connection.vendor]}, %s, {columns} FROM {table} "
                f"WHERE {where} ORDER BY random()", [True, wave.pk])
            for start in range(0, len(old), 500):
                chunk = old[start:start + 500]
                cursor.execute(f"DELETE FROM {table} WHERE id IN "
                               f"({', '.join(['%s'] * len(chunk))})", chunk)
    return len(old)


def after_submission(wave: Wave, unmixed: int | None = None) -> None:
    """Mix the new answer sets of the wave once a batch of them has come together.

    `unmixed`: how many are not mixed yet, as the submission counted them in its own statement
    (surveys/submission.py); counted here when not given.

    QDIALOG_MIX_BATCH=0 switches this off (then only the close and the nightly run mix): it
    saves about a tenth of the throughput under full load, at the price that until the night
    the database holds the new answer sets in the order they came in."""
    if settings.QDIALOG_MIX_BATCH <= 0:
        return
    batch = max(2, settings.QDIALOG_MIX_BATCH)
    if unmixed is None:
        unmixed = Response.objects.filter(wave_id=wave.pk, mixed=False)[:batch].count()
    if unmixed >= batch:
        responses_mix(wave=wave, only_new=True, at_least=batch)


def reclaim_space() -> None:
    """Let PostgreSQL drop the old versions of rewritten rows (no-op elsewhere)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Response._meta.db_table}")
