"""Model fields shared by several apps."""

from __future__ import annotations

import secrets

from django.db import models


def random_id() -> int:
    """A positive 62-bit number drawn from the operating system's random source."""
    return secrets.randbits(62) + 1


class RandomIdField(models.BigIntegerField):
    """A primary key drawn at random instead of counted up.

    For records that must not reveal when or in which order they came (answer sets,
    anonymous reports): counted ids follow the order of arrival, random ones do not. On SQLite
    the column is declared INTEGER, which makes it the table's rowid, so the rows are also
    stored in the order of their random keys rather than in the order they arrived.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)
