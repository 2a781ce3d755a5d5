"""What a person hears about, and how: a notice per event that concerns them, sent at once or
gathered into a daily or weekly digest, and listed in qdialog as "what is new"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.notes import render_note
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Programme


class Kind(models.TextChoices):
    MENTION = "mention", _("mentions of me (@name) in comments and notes")
    COMMENT = "comment", _("comments on drafts I wrote")
    AMENDMENT = "amendment", _("amendments to standards I follow")
    ACTION_ASSIGNED = "action_assigned", _("measures assigned to me")
    #: "at once" is the weekly reminder e-mail listing every measure due (actions/tasks.py)
    ACTION_DUE = "action_due", _("my measures that are due or overdue")
    INCIDENT = "incident", _("new near-miss reports to check (for reviewers)")
    INVITATION = "invitation", _("invitations to events")


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", _("by e-mail at once")
    DAILY = "daily", _("in a daily e-mail")
    WEEKLY = "weekly", _("in a weekly e-mail (Mondays)")
    APP = "app", _("only in qdialog")
    OFF = "off", _("not at all")


#: how a person hears about each kind until they choose
DEFAULTS = {Kind.MENTION: Channel.IMMEDIATE,
            Kind.COMMENT: Channel.DAILY, Kind.AMENDMENT: Channel.DAILY,
            Kind.ACTION_ASSIGNED: Channel.IMMEDIATE, Kind.ACTION_DUE: Channel.IMMEDIATE,
            Kind.INCIDENT: Channel.DAILY, Kind.INVITATION: Channel.IMMEDIATE}


class Preference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_channel_display()}"


class Notification(models.Model):
    """One notice for one person. Its text is a translatable template with its values
    (core/notes.py), shown in the reader's language."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    template = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)
    #: how it reaches the person by e-mail ("app" and "off" never), and whether it went
    channel = models.CharField(max_length=10, choices=Channel.choices)
    emailed = models.BooleanField(default=False)

    objects = TenantManager("programme")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read"]),
                   models.Index(fields=["channel", "emailed"])]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return render_note(self.template, self.params)


class Digest(models.Model):
    """A digest sent to a person for one period: at most one per person and period, held by
    the database's uniqueness, so two workers or a rerun never send it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    period_start = models.DateField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "channel", "period_start"],
                                               name="one_digest_per_period")]

    def __str__(self):
        return f"{self.channel} {self.period_start}"
