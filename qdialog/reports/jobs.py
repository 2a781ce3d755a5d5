"""Building reports in the background: one task per report, one task per municipality of a ZIP
bundle (any worker may take any part), the bundle put together by the part that finishes last.

Every step leaves a heartbeat on the report. A report whose worker died – killed, out of
memory, the machine restarted – keeps an old heartbeat and is marked failed by
`services.reports_recover`, to be tried again; it never stays "being built" for ever. Failures
are logged with their context and shown on the page.
"""

from __future__ import annotations

import io
import logging
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from . import builder
from .models import Report, ReportPart, ReportStatus

log = logging.getLogger(__name__)
BUILDING = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def _error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _beat(report_id: int, **fields) -> int:
    """Show that the report is still being worked on (not for a failed or finished one)."""
    return Report.objects.filter(pk=report_id, status__in=BUILDING).update(
        heartbeat_at=timezone.now(), **fields)


def report_build(report_id: int) -> Report:
    """A municipality, cluster or programme report as PDF or DOCX."""
    report = Report.objects.select_related("wave__instrument", "wave__programme",
                                           "municipality", "cluster").get(pk=report_id)
    if report.status not in BUILDING:  # run twice, or recovered and requested again
        return report
    _beat(report.pk, status=ReportStatus.RUNNING, progress=1)
    try:
        content = builder.build_content(report.wave, municipality=report.municipality,
                                        cluster=report.cluster, language=report.language)
        _beat(report.pk, progress=50)
        data = (builder.render_pdf(content) if report.file_format == "pdf"
                else builder.render_docx(content))
        name = f"{slugify(content.subject)}-{slugify(report.wave.title)}.{report.file_format}"
        report.file.save(name, ContentFile(data), save=False)
        report.status, report.progress, report.error = ReportStatus.DONE, 100, ""
    except Exception as error:  # noqa: BLE001 - logged, and shown to the person
        log.exception("report %s (%s, wave %s) could not be built", report.pk, report.kind,
                      report.wave_id)
        report.status, report.error = ReportStatus.FAILED, _error(error)
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return report


def part_build(part_id: int) -> ReportPart:
    """One municipality's PDF of a bundle; the last one to finish puts the ZIP together."""
    part = ReportPart.objects.select_related(
        "report__wave__instrument", "report__wave__programme", "municipality").get(pk=part_id)
    report = part.report
    if part.status == ReportStatus.DONE:
        return part
    Report.objects.filter(pk=report.pk, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, progress=1)
    _beat(report.pk)
    ReportPart.objects.filter(pk=part.pk).update(status=ReportStatus.RUNNING)
    try:
        content = builder.build_content(report.wave, municipality=part.municipality,
                                        language=report.language)
        part.file.save(f"{slugify(part.municipality.name)}.pdf",
                       ContentFile(builder.render_pdf(content)), save=False)
        part.status, part.error = ReportStatus.DONE, ""
    except Exception as error:  # noqa: BLE001 - logged, and shown on the bundle
        log.exception("part %s (%s) of report %s could not be built", part.pk,
                      part.municipality_id, report.pk)
        part.status, part.error = ReportStatus.FAILED, _error(error)
    part.save(update_fields=["file", "status", "error"])
    if part.status == ReportStatus.FAILED:
        Report.objects.filter(pk=report.pk, status__in=BUILDING).update(
            status=ReportStatus.FAILED, finished_at=timezone.now(),
            error=f"{part.municipality.name}: {part.error}"[:300])
        return part
    parts = ReportPart.objects.filter(report=report)
    done, total = parts.filter(status=ReportStatus.DONE).count(), parts.count()
    _beat(report.pk, progress=max(1, min(99, int(99 * done / total))))
    if done == total:
        bundle_assemble(report.pk)
    return part


def bundle_assemble(report_id: int) -> Report | None:
    """The ZIP of all parts. Only one caller wins the claim (progress 100 while running), so two
    parts finishing at once do not both build it."""
    if not Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING,
                                 progress__lt=100).update(progress=100,
                                                          heartbeat_at=timezone.now()):
        return None
    report = Report.objects.select_related("wave").get(pk=report_id)
    parts = list(report.parts.select_related("municipality").order_by("municipality__name"))
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                with part.file.open("rb") as handle:
                    archive.writestr(f"{slugify(part.municipality.name)}.pdf", handle.read())
        report.file.save(f"berichte-{slugify(report.wave.title)}.zip",
                         ContentFile(buffer.getvalue()), save=False)
        report.status, report.error = ReportStatus.DONE, ""
    except Exception as error:  # noqa: BLE001 - logged, and shown to the person
        log.exception("bundle %s could not be put together", report.pk)
        report.status, report.error = ReportStatus.FAILED, _error(error)
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "error", "finished_at"])
    if report.status == ReportStatus.DONE:
        for part in parts:  # the ZIP holds them now
            part.file.delete(save=False)
        ReportPart.objects.filter(report=report).update(file="")
    return report
