"""The background tasks of reports (django-tasks); the work itself is in jobs.py."""

from django_tasks import task

from qdialog.core.scoping import unscoped

from . import jobs


@task()
@unscoped("a background task acts on what an authorised service queued")
def build_report_task(report_id: int):
    return jobs.report_build(report_id).status


@task()
@unscoped("a background task acts on what an authorised service queued")
def build_report_part_task(part_id: int):
    return jobs.part_build(part_id).status


@task()
@unscoped("a background task acts on what an authorised service queued")
def assemble_bundle_task(report_id: int):
    report = jobs.bundle_assemble(report_id)
    return report.status if report else None
