"""Requesting and building reports; releasing free-text answers."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.text import slugify

from qdialog.core.audit import log_action

from . import builder
from .models import ReleasedText, Report, ReportKind, ReportStatus


@transaction.atomic
def report_request(*, actor, wave, kind, file_format, municipality=None, cluster=None) -> Report:
    report = Report.objects.create(wave=wave, kind=kind, file_format=file_format,
                                   municipality=municipality, cluster=cluster,
                                   requested_by=actor)
    log_action(actor=actor, action="export", obj=report, summary=str(report))
    from .tasks import build_report_task

    transaction.on_commit(lambda: build_report_task.enqueue(report_id=report.pk))
    return report


def _render(content, file_format):
    return builder.render_pdf(content) if file_format == "pdf" else builder.render_docx(content)


def report_build(report_id: int) -> Report:
    report = Report.objects.select_related("wave__instrument", "wave__programme",
                                           "municipality", "cluster").get(pk=report_id)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=1)
    try:
        if report.kind == ReportKind.ALL_MUNICIPALITIES:
            data, name = _bundle(report)
        else:
            content = builder.build_content(report.wave, municipality=report.municipality,
                                            cluster=report.cluster)
            data = _render(content, report.file_format)
            name = f"{slugify(content.subject)}-{slugify(report.wave.title)}.{report.file_format}"
        report.file.save(name, ContentFile(data), save=False)
        report.status, report.progress = ReportStatus.DONE, 100
    except Exception as error:  # noqa: BLE001 - the failure is shown to the person
        report.status, report.error = ReportStatus.FAILED, str(error)[:300]
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return report


def _municipality_pdf(wave_id: int, municipality_id: int) -> tuple[str, bytes]:
    from qdialog.surveys.models import Wave
    from qdialog.tenancy.models import Municipality

    wave = Wave.objects.select_related("instrument", "programme").get(pk=wave_id)
    municipality = Municipality.objects.get(pk=municipality_id)
    content = builder.build_content(wave, municipality=municipality)
    return f"{slugify(municipality.name)}.pdf", builder.render_pdf(content)


def _bundle(report):
    """One PDF per municipality of the wave, in a ZIP, with progress; built by as many
    processes as the machine has cores."""
    municipalities = list(report.wave.programme.municipalities.order_by("name"))
    if report.wave.cluster_id:
        municipalities = [m for m in municipalities if m.cluster_id == report.wave.cluster_id]
    buffer = io.BytesIO()
    workers = min(len(municipalities), os.cpu_count() or 1, settings.QDIALOG_REPORT_PROCESSES)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(number, name, data):
            archive.writestr(name, data)
            Report.objects.filter(pk=report.pk).update(
                progress=max(1, int(99 * number / len(municipalities))))

        if workers <= 1 or connection.vendor == "sqlite" and connection.settings_dict[
                "NAME"].startswith(("file:memorydb", ":memory:")):
            for number, m in enumerate(municipalities, start=1):
                add(number, *_municipality_pdf(report.wave_id, m.pk))
        else:
            connections.close_all()  # each process opens its own
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                     initializer=_child_init) as pool:
                jobs = [pool.submit(_municipality_pdf, report.wave_id, m.pk)
                        for m in municipalities]
                for number, job in enumerate(as_completed(jobs), start=1):
                    add(number, *job.result())
    return buffer.getvalue(), f"berichte-{slugify(report.wave.title)}.zip"


def _child_init():
    connections.close_all()


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


@transaction.atomic
def text_decide(*, actor, wave, municipality, variable, text, release: bool) -> ReleasedText:
    item, _ = ReleasedText.objects.update_or_create(
        wave=wave, municipality=municipality, fingerprint=fingerprint(text),
        defaults={"variable": variable, "text": text.strip(), "released": release})
    log_action(actor=actor, action="update", obj=item,
               summary=("released" if release else "withheld") + f" free text ({variable})")
    return item
