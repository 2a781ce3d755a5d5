"""What the retention pages read."""

from __future__ import annotations

from . import services
from .models import PERIODS, RetentionPolicy, ShredderExport


def policy_of(programme) -> RetentionPolicy:
    """The programme's periods; an unsaved one with the defaults while none is stored (a page
    view writes nothing)."""
    return (RetentionPolicy.objects.filter(programme=programme).first()
            or RetentionPolicy(programme=programme))


def stored_policy(programme_id) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(programme=programme_id).first()


def exports_of(*, programme=None, municipality=None):
    if municipality is not None:
        return ShredderExport.objects.filter(municipality=municipality)
    return ShredderExport.objects.filter(programme=programme).select_related(
        "municipality", "programme")[:100]


def due_counts(policy: RetentionPolicy, municipality=None) -> dict[str, int]:
    """{category: number} of what the stored periods make due now – of one municipality, or of
    the whole programme. Counts only; nothing is exported or deleted."""
    found = services.policy_due(policy)
    if municipality is not None:
        found = services.split_by_municipality(found).get(municipality.pk, {})
    return {k: n for k, n in services.counts(found).items() if n or municipality is None}


def period_labels() -> dict[str, str]:
    return {n: RetentionPolicy._meta.get_field(n).verbose_name for n in PERIODS}
