"""The action plan (Maßnahmenplan): actions with their origin, who is responsible, dates, priority,
status and a history of progress notes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qdialog.core.choices import Priority
from qdialog.core.models import MunicipalityScoped
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Municipality, Organisation


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Origin(models.TextChoices):
    SURVEY = "survey", _("A survey result")
    STANDARD = "standard", _("A standard")
    CASE_REVIEW = "case_review", _("A case review recommendation")
    REPORT = "report", _("A near-miss report")
    DECISION = "decision", _("An event decision")
    QUALITATIVE = "qualitative", _("What participants said (a code of the qualitative analysis)")
    OTHER = "other", _("Other")


class Action(MunicipalityScoped, models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="actions", verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices,
                              default=Origin.OTHER)
    origin_detail = models.CharField(
        _("origin in detail"), max_length=200, blank=True,
        help_text=_("e.g. the survey wave and dimension the action answers."))
    decision = models.ForeignKey("processes.Decision", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="actions")
    recommendation = models.ForeignKey("casereviews.Recommendation", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="actions")
    report = models.ForeignKey("incidents.IncidentReport", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="actions")
    standard = models.ForeignKey("standards.Standard", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="actions")
    code = models.ForeignKey("qualitative.Code", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="actions",
                             verbose_name=_("code of the qualitative analysis"))
    coding = models.ForeignKey("qualitative.Coding", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="actions", verbose_name=_("passage"))
    wave = models.ForeignKey("surveys.Wave", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="actions", verbose_name=_("survey wave"))
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name=_("responsible organisation"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="actions", verbose_name=_("responsible person"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True,
                                 help_text=_("When to check whether the action worked."))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices,
                                default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager("municipality__programme")

    class Meta:
        verbose_name = pgettext_lazy("action plan", "action")
        verbose_name_plural = pgettext_lazy("action plan", "actions")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": _("The due date must not lie before the start.")})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < timezone.localdate())


class ProgressNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("progress note"), blank=True)
    status_from = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)

    objects = TenantManager("action__municipality__programme")

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def audit_scope(self):
        return self.action.audit_scope

    def __str__(self):
        return str(self.action)
