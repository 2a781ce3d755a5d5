"""Reads for the survey pages: response counts with small-group suppression, code figures."""

from __future__ import annotations

from django.db.models import Count, Q

from qdialog.core.suppression import suppress_counts

from . import schema
from .models import AccessCode, CodeKind, Response, Wave


def _labels(instrument: schema.CInstrument, role: str) -> dict[str, str]:
    item = instrument.role_item(role)
    if item is None:
        return {}
    return {str(c.value): c.label("de") for c in item.choices}


def wave_counts(*, wave: Wave) -> dict:
    """Counts per perspective and professional system; groups below the minimum never exact."""
    instrument = schema.compiled(wave.instrument)
    rows = (Response.objects.filter(wave=wave).values("perspective", "professional_system")
            .annotate(n=Count("id")))
    total = 0
    per_perspective: dict[str, int] = {}
    per_system: dict[str, int] = {}
    for row in rows:
        total += row["n"]
        per_perspective[row["perspective"]] = per_perspective.get(row["perspective"], 0) + row["n"]
        if row["professional_system"]:
            per_system[row["professional_system"]] = (
                per_system.get(row["professional_system"], 0) + row["n"])

    def table(counts, labels):
        for key in labels:
            counts.setdefault(key, 0)
        cells = suppress_counts(counts, wave.min_group_size)
        return [(labels.get(k, k or "–"), cells[k]) for k in
                sorted(counts, key=lambda k: (k == "", list(labels).index(k)
                                              if k in labels else 99, k))]

    return {
        "total": total,
        "total_shown": total >= wave.min_group_size or total == 0,
        "by_perspective": table(per_perspective, _labels(instrument, "perspective")),
        "by_system": table(per_system, _labels(instrument, "professional_system")),
    }


def code_figures(*, wave: Wave) -> dict:
    figures = AccessCode.objects.filter(wave=wave).aggregate(
        personal=Count("id", filter=Q(kind=CodeKind.PERSONAL)),
        personal_used=Count("id", filter=Q(kind=CodeKind.PERSONAL, used=True)),
        invitations=Count("id", filter=Q(kind=CodeKind.INVITATION)),
        invitations_used=Count("id", filter=Q(kind=CodeKind.INVITATION, used=True)),
        invitations_open_with_address=Count(
            "id", filter=Q(kind=CodeKind.INVITATION, used=False) & ~Q(email="")),
    )
    figures["group_codes"] = list(AccessCode.objects.filter(wave=wave, kind=CodeKind.GROUP)
                                  .select_related("municipality"))
    return figures


def waves_for(queryset) -> list[Wave]:
    return list(queryset.select_related("instrument", "municipality", "cluster", "programme")
                .annotate(n_responses=Count("responses", distinct=True))
                .order_by("-opens_on", "title"))
