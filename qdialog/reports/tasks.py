from django_tasks import task

from .services import report_build


@task()
def build_report_task(report_id: int):
    report = report_build(report_id)
    return report.status
