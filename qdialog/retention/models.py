"""How long a programme keeps what, and the exports taken before deleting (the pattern pretix
calls a shredder)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Municipality, Programme

MONTHS = {"null": True, "blank": True, "validators": [MaxValueValidator(1200)],
          "help_text": _("Months; empty keeps it.")}


#: the periods a policy holds: one per category a shredder registers (qdialog/core/shredder.py)
PERIODS = ("answers", "free_texts", "case_reviews", "incident_reports", "audit_entries",
           "invitation_addresses", "event_registrations", "qualitative_documents")


class RetentionPolicy(models.Model):
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="retention")
    answers = models.PositiveIntegerField(_("survey answers"), **MONTHS)
    free_texts = models.PositiveIntegerField(_("free-text answers"), **MONTHS)
    case_reviews = models.PositiveIntegerField(_("case reviews"), **MONTHS)
    incident_reports = models.PositiveIntegerField(_("near-miss reports"), **MONTHS)
    audit_entries = models.PositiveIntegerField(_("audit log entries"), **MONTHS)
    invitation_addresses = models.PositiveIntegerField(
        _("invitation e-mail addresses of open waves"), **MONTHS)
    event_registrations = models.PositiveIntegerField(
        _("names and e-mail addresses of event registrations"),
        **(MONTHS | {"help_text": _("Months after the event; empty keeps them.")}))
    qualitative_documents = models.PositiveIntegerField(
        _("documents of the qualitative analysis"),
        **(MONTHS | {"help_text": _("Months after a document was added to a coding project "
                                    "(with its codings and memos); empty keeps them.")}))

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("retention policy")

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id}

    def __str__(self):
        return str(self.programme)

class ExportKind(models.TextChoices):
    DATA = "data", _("data")
    # the working material of case reviews: only the municipality's coordinators download it
    CASE_REVIEWS = "case_reviews", _("case reviews")


class ShredderExport(models.Model):
    """What a retention run deleted, kept for download for a limited time, then deleted too.

    One export per municipality whose data went (its coordinators download it), and one for
    what belongs to no single municipality (programme- or cluster-wide waves and reporting
    systems, programme audit entries) – institute staff download all of them, except the
    case reviews' archive: a review's working material never leaves the municipality, so only
    its coordinators download it (for the municipal archive, before it is gone)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ExportKind.choices, default=ExportKind.DATA)
    file = models.FileField(upload_to="shredder/%Y/%m/")
    summary = models.JSONField(default=dict)

    objects = TenantManager("programme")

    class Meta:
        ordering = ["-created_at", "municipality__name"]
