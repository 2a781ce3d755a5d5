"""Reports built in the background, and the free-text answers released for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.scoping import TenantManager
from qdialog.surveys.models import Wave
from qdialog.tenancy.models import Cluster, Municipality


class ReleasedText(models.Model):
    """A free-text answer a coordinator has read and released: no names, nothing identifying.

    Only released texts appear in reports; the copy keeps no link to its answer set."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="released_texts")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    variable = models.CharField(max_length=60)
    text = models.TextField()
    fingerprint = models.CharField(max_length=64)
    released = models.BooleanField(default=True)

    objects = TenantManager("wave__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "municipality", "fingerprint"],
                                               name="released_text_once")]

    @property
    def audit_scope(self):
        return {"programme_id": self.wave.programme_id, "municipality_id": self.municipality_id}

    def __str__(self):
        return f"{self.variable} – {self.wave}"  # never the text itself

class ReportKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality report")
    CLUSTER = "cluster", _("Cluster report")
    PROGRAMME = "programme", _("Programme report")
    ALL_MUNICIPALITIES = "all", _("All municipality reports (ZIP)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being built")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Report(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    file_format = models.CharField(max_length=4, choices=[("pdf", "PDF"), ("docx", "DOCX"),
                                                          ("zip", "ZIP")])
    #: the language the report is written in, chosen when it is requested
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default="de")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    status = models.CharField(max_length=8, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: when a worker last showed that it is still building this report (a report whose
    #: worker died is found by its old heartbeat and marked failed, to be tried again)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager("wave__programme")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        subject = self.municipality or self.cluster or self.wave.programme
        language = "" if self.language == "de" else f", {self.get_language_display()}"
        return f"{self.get_kind_display()} – {subject} ({self.file_format.upper()}{language})"

    @property
    def audit_scope(self):
        return {"programme_id": self.wave.programme_id, "municipality_id": self.municipality_id}


class ReportPart(models.Model):
    """One municipality's PDF of a ZIP bundle: its own background task, which any worker may
    take; the bundle is put together when the last part is ready."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="parts")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    file = models.FileField(upload_to="reports/parts/", blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = TenantManager("municipality__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "municipality"],
                                               name="report_part_once")]

    def __str__(self):
        return f"{self.report} – {self.municipality}"

    @property
    def audit_scope(self):
        return self.report.audit_scope
