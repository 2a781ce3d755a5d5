"""What the retention pages read."""

from __future__ import annotations

from .models import RetentionPolicy, ShredderExport


def policy_of(programme) -> RetentionPolicy:
    """The programme's periods; an unsaved one with the defaults while none is stored (a page
    view writes nothing)."""
    return (RetentionPolicy.objects.filter(programme=programme).first()
            or RetentionPolicy(programme=programme))


def exports_of(*, programme=None, municipality=None):
    if municipality is not None:
        return ShredderExport.objects.filter(municipality=municipality)
    return ShredderExport.objects.filter(programme=programme).select_related(
        "municipality", "programme")[:100]
