"""Anonymous, sanction-free reports of incidents and near misses (CIRS-style, Beinahe-Ereignisse).

Nothing stored can identify the reporter: no account, no IP address, no user agent, no time of
day (the date only). The reporter keeps a follow-up code, of which only a hash is stored, to read
the answer. Designated reviewers check each report for anonymity before anyone else sees it; the
reporter's original wording is kept only until that check ends.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from qdialog.core.fields import RandomIdField
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Municipality, ProfessionalSystem, Programme


def new_key() -> str:
    return secrets.token_urlsafe(12)


class ReportingSystem(models.Model):
    """The reporting system of a municipality, or of a whole programme (municipality empty)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("programme"))
    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, null=True,
                                        blank=True, related_name="reporting_system",
                                        verbose_name=_("municipality"))
    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    is_open = models.BooleanField(_("accepting reports"), default=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("reviewers"),
                                       help_text=_("Only they see new reports, check them for "
                                                   "anonymity, comment and publish."))
    statement = models.TextField(
        _("additional statement"), blank=True,
        help_text=_("Shown on the form below the sanction-free statement, e.g. who signed "
                    "it for the youth office's management."))
    created_at = models.DateTimeField(auto_now_add=True)
    #: reports received before this day have been told to the reviewers (notices.py)
    noticed_until = models.DateField(null=True, blank=True, editable=False)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("reporting system")
        verbose_name_plural = _("reporting systems")
        constraints = [
            models.UniqueConstraint(fields=["programme"], condition=models.Q(
                municipality__isnull=True), name="one_programme_reporting_system"),
        ]

    def __str__(self):
        return str(_("Reporting system of %(owner)s") % {"owner": self.owner})

    @property
    def owner(self):
        return self.municipality or self.programme

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}


class ReportPhase(models.TextChoices):
    REFERRAL = "referral", _("Referral or notice of concern (Mitteilung, Meldung)")
    FIRST_ASSESSMENT = "first_assessment", _("First assessment (Ersteinschätzung)")
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment (Gefährdungseinschätzung)")
    HELP_PLANNING = "help_planning", _("Help planning (Hilfeplanung)")
    HELP = "help", _("Carrying out help or protection")
    HANDOVER = "handover", _("Handover or change of responsibility (Übergabe)")
    CLOSURE = "closure", _("Closing a case")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_1 = "u1", _("under 1 year")
    A1_2 = "1-2", _("1 to 2 years")
    A3_5 = "3-5", _("3 to 5 years")
    A6_9 = "6-9", _("6 to 9 years")
    A10_13 = "10-13", _("10 to 13 years")
    A14_17 = "14-17", _("14 to 17 years")
    UNKNOWN = "unknown", _("not known or not relevant")


class Harm(models.TextChoices):
    NONE = "none", _("no harm")
    POTENTIAL = "potential", _("harm was possible but did not happen (near miss)")
    ACTUAL = "actual", _("harm happened")


class Frequency(models.TextChoices):
    FIRST = "first", _("the first time I have seen this")
    RARE = "rare", _("rarely")
    SOMETIMES = "sometimes", _("sometimes")
    OFTEN = "often", _("often")
    UNKNOWN = "unknown", _("I cannot say")


class Category(models.TextChoices):
    INFORMATION = "information", _("Information and communication")
    ASSESSMENT = "assessment", _("Assessment and decision")
    TRANSITION = "transition", _("Transitions and responsibility")
    COOPERATION = "cooperation", _("Cooperation between institutions")
    TOOLS = "tools", _("Procedures, tools and documentation")
    RESOURCES = "resources", _("Working conditions and resources")
    PARTICIPATION = "participation", _("Participation of child and family")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("received, not yet checked")
    CHECKED = "checked", _("checked for anonymity")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed without publication")


REPORTER_GROUPS = [(v, label) for v, label in ProfessionalSystem.choices
                   if v not in (ProfessionalSystem.INSTITUTE,)]
TEXT_FIELDS = ("what_happened", "outcome", "what_helped")
TEXT_LIMIT = 4000


class IncidentReport(models.Model):
    """An anonymous report. Its key is random (a counted one would keep the order, and with a
    server's logs the moment, of each report); its number within the reporting system is
    given when the anonymity check ends, in the order the reviewers check, not the order the
    reports came in."""

    id = RandomIdField()
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    system = models.ForeignKey(ReportingSystem, on_delete=models.CASCADE,
                               related_name="reports", verbose_name=_("reporting system"))
    received_on = models.DateField(_("received on"))
    professional_group = models.CharField(_("your professional field"), max_length=32,
                                          choices=REPORTER_GROUPS)
    phase = models.CharField(_("phase of the case"), max_length=20, choices=ReportPhase.choices)
    child_age_band = models.CharField(_("age of the child"), max_length=8,
                                      choices=AgeBand.choices)
    what_happened = models.TextField(_("What happened?"))
    outcome = models.TextField(_("What was the outcome?"))
    what_helped = models.TextField(_("What helped, or what would have helped?"), blank=True)
    harm = models.CharField(_("harm"), max_length=10, choices=Harm.choices)
    frequency = models.CharField(_("how often does this happen?"), max_length=10,
                                 choices=Frequency.choices)
    consent_to_publish = models.BooleanField(_("may be published"), default=False)
    #: the reporter's own wording, kept only until the anonymity check ends
    original = models.JSONField(default=dict, blank=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)

    status = models.CharField(_("status"), max_length=10, choices=IncidentStatus.choices,
                              default=IncidentStatus.RECEIVED)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices,
                                blank=True)
    expert_comment = models.TextField(
        _("expert comment"), blank=True,
        help_text=_("The answer the reporter reads with the follow-up code; published with the "
                    "report."))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    publication_title = models.CharField(_("title for publication"), max_length=200, blank=True)
    publication_text = models.TextField(
        _("copy-edited text for publication"), blank=True,
        help_text=_("A shortened, copy-edited version of the report without any detail that "
                    "could identify a person or an organisation."))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    featured = models.BooleanField(_("case of the month (Fall des Monats)"), default=False)

    objects = TenantManager("system__programme")

    class Meta:
        verbose_name = _("incident or near-miss report")
        verbose_name_plural = _("incident and near-miss reports")
        ordering = ["-received_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["system", "number"],
                                               name="incident_number_once")]

    def __str__(self):
        if self.number:
            return str(_("Report no. %(number)s") % {"number": self.number})
        return str(_("New report of %(date)s") % {
            "date": formats.date_format(self.received_on, "SHORT_DATE_FORMAT")})

    @property
    def audit_scope(self):
        return self.system.audit_scope

    @property
    def is_checked(self) -> bool:
        return self.status != IncidentStatus.RECEIVED

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


class MessageAuthor(models.TextChoices):
    REVIEWERS = "reviewers", _("the reviewers")
    REPORTER = "reporter", _("the reporter")


class ReportMessage(models.Model):
    """A question of the reviewers to the anonymous reporter, or the reporter's answer (read
    and written with the follow-up code). Nothing names the reporter: no account, no address,
    only the date (not the time), a random key, and the place in this conversation. Reviewers'
    questions name no reviewer either – the audit log says who asked."""

    id = RandomIdField()
    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE,
                               related_name="messages")
    position = models.PositiveIntegerField(editable=False)
    author = models.CharField(_("from"), max_length=10, choices=MessageAuthor.choices)
    text = models.TextField(_("message"))
    sent_on = models.DateField(_("sent on"))
    #: an answer of the reporter the reviewers have not opened yet
    unread = models.BooleanField(default=False, editable=False)

    objects = TenantManager("report__system__programme")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"],
                                               name="report_message_position_once")]

    def __str__(self):
        return f"{self.get_author_display()}, {self.sent_on}"

    @property
    def audit_scope(self):
        return self.report.audit_scope
