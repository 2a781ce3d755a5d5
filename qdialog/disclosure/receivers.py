"""The release of a wave is made as soon as it closes."""

import logging

from django.dispatch import receiver

from qdialog.surveys.signals import wave_closed

from . import services

log = logging.getLogger(__name__)


@receiver(wave_closed)
def make_release(sender, wave, **kwargs):
    try:
        services.release_make(wave=wave)
    except Exception:  # the first read makes it then; the close itself has succeeded
        log.exception("release of wave %s could not be made at closing", wave.pk)
