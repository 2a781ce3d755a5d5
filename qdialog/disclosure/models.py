"""The release of a wave's results: the disclosure plan every output of the wave reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.scoping import TenantManager
from qdialog.surveys.models import Wave


class Release(models.Model):
    """What may be published of a closed wave, for all its units at once (see plan.py).

    Made when the wave closes (or at the first read, if the close could not make it). Results
    are shown only from a release, so that every page, export and report of a wave publishes
    the same figures; the wave's `results_published_on` is set at the first read, after which
    no answer can be added (two states of the results would give away the late answers)."""

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="release")
    answer_sets = models.PositiveIntegerField(_("answer sets"))
    #: which answer sets the plan was made from (their number and keys, see services)
    fingerprint = models.CharField(max_length=64)
    plan = models.JSONField(_("disclosure plan"))
    made_on = models.DateField(_("made on"))

    objects = TenantManager("wave__programme")

    class Meta:
        verbose_name = _("results release")
        verbose_name_plural = _("results releases")

    def __str__(self):
        return f"{self.wave} ({self.answer_sets})"

    @property
    def audit_scope(self):
        return self.wave.audit_scope
