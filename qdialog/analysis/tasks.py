"""Background tasks of analysis (django-tasks)."""

from django_tasks import task

from qdialog.core.scoping import unscoped
from qdialog.surveys.models import Wave

from . import pages


@task()
@unscoped("a background task draws the results of a wave that a service closed")
def warm_results_task(wave_id: int):
    wave = Wave.objects.select_related("programme", "instrument").get(pk=wave_id)
    return pages.results_warm(wave)
