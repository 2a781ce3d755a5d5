"""What each app holds that a retention period can end, and how it is exported and deleted.

Like pretix's shredders: an app that stores personal data subclasses `Shredder` and registers
it in its AppConfig.ready():

    shredders.register("qdialog.incidents.shredders.IncidentReports", order=40)

qdialog/retention then runs every registered shredder without knowing the models: it asks what
is due under the programme's period (`due`), splits it by municipality (`split`), writes the
export (`export`) into the archive the shredder names, and deletes or anonymises (`shred`).
The period itself is the field `category` of `retention.RetentionPolicy`.
"""

from __future__ import annotations

import datetime as dt

from django.core import serializers
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce


def months_before(today: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the last day of a shorter month)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


class Shredder:
    #: the field of retention.RetentionPolicy that holds this category's period in months
    category: str = ""
    #: "data", or "case_reviews" for working material that only the municipality downloads
    archive: str = "data"
    #: where an item's municipality is, first non-empty wins (None: belongs to the programme)
    municipality_fields: tuple[str, ...] = ("municipality",)

    def due(self, programme, before: dt.date, *, policy, today: dt.date) -> QuerySet | list:
        """What is older than `before` in the programme (`policy` holds the other periods,
        counted back from `today`)."""
        raise NotImplementedError

    def count(self, items) -> int:
        return len(items) if isinstance(items, list) else items.count()

    def split(self, items) -> dict[int | None, QuerySet | list]:
        """{municipality id or None: items}."""
        fields = [F(name) for name in self.municipality_fields]
        located = items.annotate(_where=Coalesce(*fields) if len(fields) > 1 else fields[0])
        parts = {}
        for key in set(located.values_list("_where", flat=True)):
            where = {"_where__isnull": True} if key is None else {"_where": key}
            parts[key] = items.filter(pk__in=located.filter(**where).values("pk"))
        return parts

    def export(self, items) -> dict[str, str | bytes]:
        """{file name in the archive: content} – by default the rows as Django JSON."""
        return {f"{self.category}.json": serializers.serialize("json", items)}

    def shred(self, items) -> None:
        items.delete()
