"""Requesting reports, trying them again, recovering those whose worker died; releasing
free-text answers. The building itself is in jobs.py, run by the tasks in tasks.py."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from qdialog.analysis.access import wave_municipalities
from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note

from . import tasks
from .models import ReleasedText, Report, ReportKind, ReportPart, ReportStatus

log = logging.getLogger(__name__)


@transaction.atomic
def report_request(*, actor, wave, kind, file_format, municipality=None, cluster=None,
                   language="de") -> Report:
    """A report to be built in the background; a bundle is one task per municipality."""
    report = Report.objects.create(wave=wave, kind=kind, file_format=file_format,
                                   municipality=municipality, cluster=cluster,
                                   requested_by=actor, language=language)
    log_action(actor=actor, action="export", obj=report,
               summary=note(gettext_noop("requested")))
    if kind == ReportKind.ALL_MUNICIPALITIES:
        ReportPart.objects.bulk_create(ReportPart(report=report, municipality=m)
                                       for m in wave_municipalities(wave))
    _enqueue(report)
    return report


def _enqueue(report):
    if report.kind != ReportKind.ALL_MUNICIPALITIES:
        transaction.on_commit(lambda: tasks.build_report_task.enqueue(report_id=report.pk))
        return
    waiting = list(report.parts.exclude(status=ReportStatus.DONE).values_list("pk", flat=True))
    if not waiting:  # every part is there: only the ZIP is missing
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=99)
        transaction.on_commit(lambda: tasks.assemble_bundle_task.enqueue(report_id=report.pk))
    for pk in waiting:
        transaction.on_commit(lambda pk=pk: tasks.build_report_part_task.enqueue(part_id=pk))


@transaction.atomic
def report_retry(*, actor, report) -> Report:
    """A failed report once more; of a bundle only the parts that are missing."""
    if report.status != ReportStatus.FAILED:
        return report
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, error="", progress=0,
                                               finished_at=None, heartbeat_at=None)
    report.parts.exclude(status=ReportStatus.DONE).update(status=ReportStatus.QUEUED, error="")
    report.refresh_from_db()
    log_action(actor=actor, action="export", obj=report,
               summary=note(gettext_noop("requested again")))
    _enqueue(report)
    return report


def reports_recover(*, wave=None, now=None) -> int:
    """Mark as failed the reports whose worker died: still "being built", but no worker has
    shown a heartbeat for longer than QDIALOG_REPORT_LEASE_SECONDS. A bundle whose parts only
    wait for a free worker is not dead; one with a part that started that long ago is."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.QDIALOG_REPORT_LEASE_SECONDS)
    stale = Report.objects.filter(status=ReportStatus.RUNNING, heartbeat_at__lt=cutoff)
    if wave is not None:
        stale = stale.filter(wave=wave)
    dead = []
    for report in stale.only("pk", "kind"):
        if report.kind == ReportKind.ALL_MUNICIPALITIES:
            parts = report.parts.all()
            queued = set(parts.filter(status=ReportStatus.QUEUED).values_list("pk", flat=True))
            if not parts.filter(status=ReportStatus.RUNNING).exists() \
                    and queued & _parts_waiting_for_a_worker():
                continue
        dead.append(report.pk)
    if not dead:
        return 0
    ReportPart.objects.filter(report_id__in=dead, status=ReportStatus.RUNNING).update(
        status=ReportStatus.FAILED, error=INTERRUPTED)
    count = Report.objects.filter(pk__in=dead, status=ReportStatus.RUNNING).update(
        status=ReportStatus.FAILED, error=INTERRUPTED, finished_at=now)
    for report in Report.objects.filter(pk__in=dead).select_related("wave"):
        log_action(actor=None, action=AuditAction.UPDATE, obj=report, summary=note(
            gettext_noop("interrupted (the worker stopped); marked failed")))
    log.warning("reports %s were interrupted (no heartbeat since %s) and marked failed",
                dead, cutoff.isoformat())
    return count


def _parts_waiting_for_a_worker() -> set[int]:
    """The parts whose task no worker has taken yet. A part still "queued" whose task a worker
    has already claimed belongs to a worker that died between taking the task and starting the
    part: it is not waiting, and its bundle is dead once the lease has run out."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status="READY", task_path__endswith=
                                       ".build_report_part_task").values_list("args_kwargs",
                                                                              flat=True)
    return {(row or {}).get("kwargs", {}).get("part_id") for row in rows} - {None}


#: stored (and shown in the person's language by the page) for a report whose worker died
INTERRUPTED = "interrupted"


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


@transaction.atomic
def text_decide(*, actor, wave, municipality, variable, text, release: bool) -> ReleasedText:
    item, _ = ReleasedText.objects.update_or_create(
        wave=wave, municipality=municipality, fingerprint=fingerprint(text),
        defaults={"variable": variable, "text": text.strip(), "released": release})
    log_action(actor=actor, action="update", obj=item,
               summary=note(gettext_noop("free text released (%(question)s)") if release
                            else gettext_noop("free text withheld (%(question)s)"),
                            question=variable))
    return item


@transaction.atomic
def texts_decide(*, actor, wave, municipality, texts, release: bool) -> int:
    """Release or withhold several free texts at once ([(variable, text)]), each recorded."""
    for variable, text in texts:
        text_decide(actor=actor, wave=wave, municipality=municipality, variable=variable,
                    text=text, release=release)
    return len(texts)


def report_download(*, actor, report: Report):
    """The built file of a report; each download is recorded in the audit log."""
    log_action(actor=actor, action="export", obj=report, summary=note(gettext_noop("downloaded")))
    return report.file
