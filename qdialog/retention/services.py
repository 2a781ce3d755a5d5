"""The retention job: find what is due, export it, then delete or anonymise it, with an audit
entry; and delete the exports themselves once their download time is over. Runs daily
(`qdialog apply-retention`) or when institute staff press the button.

Exports are split by municipality, so that a municipality's coordinators can download what was
deleted of their municipality – and nothing of another's.

Retention knows no other app's models: each app registers a shredder for what it holds
(qdialog/core/shredder.py); the policy's fields hold the periods of the registered categories."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from qdialog.core import registry
from qdialog.core.audit import instance_update, log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.core.shredder import Shredder, months_before

from .models import ExportKind, RetentionPolicy, ShredderExport


def shredders() -> list[Shredder]:
    """The registered shredders, in their order (each app registers its own in apps.py)."""
    return [shredder() for shredder in registry.shredders]


def categories() -> list[str]:
    return [s.category for s in shredders()]


def policy_due(policy: RetentionPolicy, today=None) -> dict:
    """{category: items} of what the policy says must go now."""
    today = today or timezone.localdate()
    found = {}
    for shredder in shredders():
        months = getattr(policy, shredder.category)
        if months is not None:
            found[shredder.category] = shredder.due(
                policy.programme, months_before(today, months), policy=policy, today=today)
    return found


def counts(found: dict) -> dict[str, int]:
    by_category = {s.category: s for s in shredders()}
    return {k: by_category[k].count(v) for k, v in found.items()}


def split_by_municipality(found: dict) -> dict[int | None, dict]:
    """{municipality id or None: {category: items}} – None holds what belongs to no single
    municipality."""
    by_category = {s.category: s for s in shredders()}
    groups: dict[int | None, dict] = {}
    for category, items in found.items():
        for key, part in by_category[category].split(items).items():
            groups.setdefault(key, {})[category] = part
    return groups


def _export(found: dict) -> bytes:
    by_category = {s.category: s for s in shredders()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for category, items in found.items():
            for name, content in by_category[category].export(items).items():
                archive.writestr(name, content)
    return buffer.getvalue()


@transaction.atomic
def policy_apply(policy: RetentionPolicy, *, actor=None, today=None) -> list[ShredderExport]:
    """Export what is due (one archive per municipality, one for the rest), then delete or
    anonymise it. Returns the exports; empty when nothing is due."""
    found = policy_due(policy, today)
    numbers = {k: v for k, v in counts(found).items() if v}
    if not numbers:
        return []
    found = {k: v for k, v in found.items() if k in numbers}
    archives = {s.category: s.archive for s in shredders()}
    stamp = timezone.now()
    expires_on = (today or timezone.localdate()) + dt.timedelta(
        days=settings.QDIALOG_SHREDDER_EXPORT_DAYS)
    exports = []
    for municipality_id, part in sorted(split_by_municipality(found).items(),
                                        key=lambda item: item[0] or 0):
        # a case review's working material goes into an archive of its own (see the model)
        for kind in (ExportKind.DATA, ExportKind.CASE_REVIEWS):
            items = {k: v for k, v in part.items() if archives[k] == kind}
            summary = {k: v for k, v in counts(items).items() if v}
            if not summary:
                continue
            name = (f"shredder-{stamp:%Y%m%d-%H%M%S}-{municipality_id or 'programme'}"
                    f"{'-case-reviews' if kind == ExportKind.CASE_REVIEWS else ''}.zip")
            exports.append(ShredderExport.objects.create(
                programme=policy.programme, municipality_id=municipality_id, kind=kind,
                summary=summary, expires_on=expires_on,
                file=ContentFile(_export(items), name=name)))
    by_category = {s.category: s for s in shredders()}
    for category, items in found.items():
        by_category[category].shred(items)
    logged = {}
    for export in exports:
        logged.setdefault(export.municipality_id, {}).update(export.summary)
    for municipality_id, summary in logged.items():  # each municipality's log shows its part
        log_action(actor=actor, action="delete", obj=policy.programme,
                   municipality_id=municipality_id,
                   summary=note(gettext_noop("retention: %(deleted)s"),
                                deleted=", ".join(f"{k} {v}" for k, v in summary.items())))
    return exports


def expire_exports(today=None) -> int:
    """Delete the exports whose download time is over (file and record), with an audit entry
    per programme. Returns how many went."""
    today = today or timezone.localdate()
    days = dt.timedelta(days=settings.QDIALOG_SHREDDER_EXPORT_DAYS)
    legacy_cutoff = timezone.make_aware(dt.datetime.combine(today - days, dt.time.min))
    expired = ShredderExport.objects.filter(expires_on__lt=today) | ShredderExport.objects.filter(
        expires_on__isnull=True, created_at__lt=legacy_cutoff)
    by_programme: dict = {}
    for export in expired.select_related("programme"):
        export.file.delete(save=False)
        by_programme.setdefault(export.programme, []).append(export.pk)
    for programme, pks in by_programme.items():
        ShredderExport.objects.filter(pk__in=pks).delete()
        log_action(actor=None, action="delete", obj=programme,
                   summary=note(gettext_noop("retention: %(count)s expired exports deleted"),
                                count=len(pks)))
    return sum(len(pks) for pks in by_programme.values())


@transaction.atomic
def policy_save(*, actor, programme, fields: dict) -> RetentionPolicy:
    """Store the programme's periods (the first save creates them), audited."""
    policy, created = RetentionPolicy.objects.select_for_update().get_or_create(
        programme=programme)
    if created:
        log_action(actor=actor, action=AuditAction.CREATE, obj=policy)
    instance_update(actor=actor, instance=policy, fields=fields)
    return policy


def export_open(*, actor, export: ShredderExport) -> ShredderExport:
    """Record that a person downloads a retention export."""
    log_action(actor=actor, action=AuditAction.EXPORT, obj=export.programme,
               municipality_id=export.municipality_id,
               summary=note(gettext_noop("retention export %(number)s"), number=export.pk))
    return export
