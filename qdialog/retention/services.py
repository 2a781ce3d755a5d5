"""The retention job: find what is due, export it, then delete or anonymise it, with an audit
entry; and delete the exports themselves once their download time is over. Runs daily
(`qdialog apply-retention`) or when institute staff press the button.

Exports are split by municipality, so that a municipality's coordinators can download what was
deleted of their municipality – and nothing of another's."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_update, log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note

from .models import ExportKind, RetentionPolicy, ShredderExport

CATEGORIES = ("answers", "free_texts", "case_reviews", "incident_reports", "audit_entries",
              "invitation_addresses")


def months_before(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


def _text_keys(wave) -> set[str]:
    from qdialog.surveys import schema

    return {v.name for v in schema.compiled(wave.instrument).variables if v.measure == "text"}


def policy_due(policy: RetentionPolicy, today=None) -> dict:
    """{category: queryset or list} of what the policy says must go now."""
    from qdialog.casereviews.models import CaseReview
    from qdialog.core.models import AuditEntry
    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys.models import AccessCode, Response

    today = today or timezone.localdate()
    programme = policy.programme
    found = {}
    if policy.answers is not None:
        found["answers"] = Response.objects.filter(
            wave__programme=programme, submitted_on__lt=months_before(today, policy.answers))
    if policy.free_texts is not None:
        older = Response.objects.filter(wave__programme=programme, submitted_on__lt=months_before(
            today, policy.free_texts)).select_related("wave__instrument")
        if "answers" in found:
            older = older.exclude(pk__in=found["answers"].values("pk"))
        keys_by_wave, with_texts = {}, []
        for response in older.iterator():
            keys = keys_by_wave.setdefault(response.wave_id, _text_keys(response.wave))
            if any(response.answers.get(k) not in (None, "") for k in keys):
                with_texts.append((response, keys))
        found["free_texts"] = with_texts
    if policy.case_reviews is not None:
        found["case_reviews"] = CaseReview.objects.filter(
            municipality__programme=programme,
            created_at__date__lt=months_before(today, policy.case_reviews))
    if policy.incident_reports is not None:
        found["incident_reports"] = IncidentReport.objects.filter(
            system__programme=programme,
            received_on__lt=months_before(today, policy.incident_reports))
    if policy.audit_entries is not None:
        found["audit_entries"] = AuditEntry.objects.filter(
            programme=programme, at__date__lt=months_before(today, policy.audit_entries))
    if policy.invitation_addresses is not None:
        found["invitation_addresses"] = AccessCode.objects.filter(
            wave__programme=programme,
            wave__opens_on__lt=months_before(today, policy.invitation_addresses)).exclude(email="")
    return found


def counts(found: dict) -> dict[str, int]:
    return {k: (len(v) if isinstance(v, list) else v.count()) for k, v in found.items()}


# Where each category's municipality is: an answer or invitation of a programme- or cluster-wide
# wave carries the municipality its code was made for; otherwise the wave's municipality counts.
MUNICIPALITY_OF = {
    "answers": ("municipality", "wave__municipality"),
    "invitation_addresses": ("municipality", "wave__municipality"),
    "case_reviews": ("municipality",),
    "incident_reports": ("system__municipality",),
    "audit_entries": ("municipality",),
}


def split_by_municipality(found: dict) -> dict[int | None, dict]:
    """{municipality id or None: {category: items}} – None holds what belongs to no single
    municipality."""
    groups: dict[int | None, dict] = {}
    for category, items in found.items():
        if category == "free_texts":
            for response, keys in items:
                key = response.municipality_id or response.wave.municipality_id
                groups.setdefault(key, {}).setdefault(category, []).append((response, keys))
            continue
        fields = [F(name) for name in MUNICIPALITY_OF[category]]
        located = items.annotate(_where=Coalesce(*fields) if len(fields) > 1 else fields[0])
        for key in set(located.values_list("_where", flat=True)):
            where = {"_where__isnull": True} if key is None else {"_where": key}
            part = items.filter(pk__in=located.filter(**where).values("pk"))
            groups.setdefault(key, {})[category] = part
    return groups


def _export(found: dict) -> bytes:
    from qdialog.casereviews.models import (
        ChronologyEntry,
        ContributingFactor,
        Episode,
        Hypothesis,
        Pattern,
        Recommendation,
        ReviewMember,
        Source,
    )

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for category, items in found.items():
            if category == "free_texts":
                data = [{"response": r.pk, "wave": r.wave_id,
                         "texts": {k: r.answers.get(k) for k in keys if r.answers.get(k)}}
                        for r, keys in items]
                archive.writestr("free_texts.json", json.dumps(data, ensure_ascii=False))
            elif category == "case_reviews":
                reviews = list(items)
                parts = [*reviews]
                for model in (ReviewMember, Source, ChronologyEntry, Episode, Hypothesis, Pattern,
                              Recommendation):
                    parts += list(model.objects.filter(review__in=reviews))
                parts += list(ContributingFactor.objects.filter(episode__review__in=reviews))
                archive.writestr("case_reviews.json", serializers.serialize("json", parts))
            else:
                archive.writestr(f"{category}.json", serializers.serialize("json", items))
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
    stamp = timezone.now()
    expires_on = (today or timezone.localdate()) + dt.timedelta(
        days=settings.QDIALOG_SHREDDER_EXPORT_DAYS)
    exports = []
    for municipality_id, part in sorted(split_by_municipality(found).items(),
                                        key=lambda item: item[0] or 0):
        # a case review's working material goes into an archive of its own (see the model)
        reviews = {k: v for k, v in part.items() if k == "case_reviews"}
        data = {k: v for k, v in part.items() if k != "case_reviews"}
        for kind, items in ((ExportKind.DATA, data), (ExportKind.CASE_REVIEWS, reviews)):
            summary = {k: v for k, v in counts(items).items() if v}
            if not summary:
                continue
            name = (f"shredder-{stamp:%Y%m%d-%H%M%S}-{municipality_id or 'programme'}"
                    f"{'-case-reviews' if kind == ExportKind.CASE_REVIEWS else ''}.zip")
            exports.append(ShredderExport.objects.create(
                programme=policy.programme, municipality_id=municipality_id, kind=kind,
                summary=summary, expires_on=expires_on,
                file=ContentFile(_export(items), name=name)))
    for category, items in found.items():
        if category == "free_texts":
            for response, keys in items:
                response.answers = {k: v for k, v in response.answers.items() if k not in keys}
                response.save(update_fields=["answers"])
        elif category == "invitation_addresses":
            items.update(email="")
        else:
            items.delete()
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
