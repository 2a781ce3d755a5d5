"""When a wave closes, its results pages are drawn in the background (analysis/pages.py)."""

import logging

from django.conf import settings
from django.dispatch import receiver

from qdialog.surveys.signals import wave_closed

log = logging.getLogger(__name__)


@receiver(wave_closed)
def warm_results(sender, wave, **kwargs):
    if not settings.QDIALOG_RESULTS_WARM:
        return
    from .tasks import warm_results_task

    try:
        warm_results_task.enqueue(wave_id=wave.pk)
    except Exception:  # the first read draws them then; the close itself has succeeded
        log.exception("results of wave %s could not be queued for drawing", wave.pk)
