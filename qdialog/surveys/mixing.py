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

import random

from django.conf import settings
from django.db import connection, transaction

from qdialog.core.fields import random_id

from .models import Response, Wave

FIELDS = ["wave_id", "municipality_id", "submitted_on", "language", "perspective",
          "professional_system", "answers", "vector"]
_random = random.SystemRandom()


def responses_mix(*, wave: Wave, only_new: bool = False, at_least: int = 1) -> int:
    """Rewrite the wave's answer sets (or only those not mixed yet) in a random order under
    new keys. Returns how many were rewritten (0 if fewer than `at_least` were due)."""
    with transaction.atomic():
        # one mixer per wave at a time; submissions do not wait for this lock
        Wave.objects.select_for_update().filter(pk=wave.pk).first()
        rows = Response.objects.filter(wave_id=wave.pk)
        if only_new:
            rows = rows.filter(mixed=False)
        records = list(rows.values("id", *FIELDS))
        if len(records) < at_least:
            return 0
        Response.objects.filter(pk__in=[r.pop("id") for r in records]).delete()
        _random.shuffle(records)
        Response.objects.bulk_create(
            [Response(id=random_id(), mixed=True, **{k: r[k] for k in FIELDS})
             for r in records], batch_size=500)
    return len(records)


def after_submission(wave: Wave) -> None:
    """Mix the new answer sets of the wave once a batch of them has come together."""
    batch = max(2, settings.QDIALOG_MIX_BATCH)
    if Response.objects.filter(wave_id=wave.pk, mixed=False)[:batch].count() >= batch:
        responses_mix(wave=wave, only_new=True, at_least=batch)


def reclaim_space() -> None:
    """Let PostgreSQL drop the old versions of rewritten rows (no-op elsewhere)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Response._meta.db_table}")
