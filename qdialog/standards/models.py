"""Agreed documents of a municipality: standards („Eckpfeiler guter Fachpraxis“) in the schema of
the Bremen and Dormagen catalogues, procedures, cooperation agreements and the mission statement –
drafted together (comments by paragraph, amendments, consent ratings), versioned, adopted, and
assembled into the quality concept."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.choices import SystemLevel
from qdialog.core.models import MunicipalityScoped
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Municipality


class StandardKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PROCEDURE = "procedure", _("Procedure (e.g. the § 8a procedure)")
    AGREEMENT = "agreement", _("Cooperation agreement")
    MISSION = "mission", _("Mission statement (Leitbild)")


class Area(models.TextChoices):
    RISK = "risk", _("Assessing risk (§ 8a SGB VIII)")
    REFERRAL = "referral", _("Referrals and first contact")
    HELP_PLANNING = "help_planning", _("Help planning (§ 36 SGB VIII)")
    PROTECTION = "protection", _("Taking into care (§ 42 SGB VIII)")
    PARTICIPATION = "participation", _("Participation and complaints")
    COOPERATION = "cooperation", _("Cooperation in the network (§ 3 KKG)")
    EARLY_HELP = "early_help", _("Early help")
    INSTITUTIONS = "institutions", _("Protection in institutions (§§ 45 ff. SGB VIII)")
    STAFF = "staff", _("Staff, qualification and supervision")
    OTHER = "other", _("Other task field")



DRAFTING_CLOSED = _("Comments and amendments are closed: the document is agreed. Set it under "
                    "review to reopen them.")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONSULTATION = "consultation", _("in consultation")
    AGREED = "agreed", _("agreed")
    ADOPTED = "adopted", _("adopted")
    REVIEW = "review", _("under review")


STATUS_FLOW = {StandardStatus.DRAFT: [StandardStatus.CONSULTATION],
               StandardStatus.CONSULTATION: [StandardStatus.DRAFT, StandardStatus.AGREED],
               StandardStatus.AGREED: [StandardStatus.CONSULTATION, StandardStatus.ADOPTED],
               StandardStatus.ADOPTED: [StandardStatus.REVIEW],
               StandardStatus.REVIEW: [StandardStatus.CONSULTATION, StandardStatus.ADOPTED]}
#: the parts of a document that are drafted, commented and amended paragraph by paragraph
TEXT_FIELDS = ("challenge", "typical_errors", "text", "process_design")


class Standard(MunicipalityScoped, models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="standards", verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=10, choices=StandardKind.choices,
                            default=StandardKind.STANDARD)
    title = models.CharField(_("title"), max_length=200)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices, default=Area.OTHER)
    level = models.CharField(_("level"), max_length=14, choices=SystemLevel.choices, blank=True)
    challenge = models.TextField(_("challenge"), blank=True,
                                 help_text=_("What makes this task hard in practice?"))
    typical_errors = models.TextField(_("typical errors"), blank=True)
    text = models.TextField(_("the standard"),
                            help_text=_("What good practice looks like. Separate paragraphs by "
                                        "a blank line; each can be commented and amended."))
    process_design = models.TextField(_("process design"), blank=True,
                                       help_text=_("Who does what, when, with which tools."))
    status = models.CharField(_("status"), max_length=14, choices=StandardStatus.choices,
                              default=StandardStatus.DRAFT)
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True,
                                  help_text=_("e.g. Jugendhilfeausschuss"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    shared = models.BooleanField(_("offer as a template"), default=False,
                                 help_text=_("Other municipalities of the cluster and programme "
                                             "can copy it."))
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="copies", verbose_name=_("copied from"))
    origin_label = models.CharField(max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("municipality__programme")

    class Meta:
        verbose_name = _("agreed document")
        verbose_name_plural = _("agreed documents")
        ordering = ["kind", "area", "title"]

    def __str__(self):
        return self.title

    @property
    def is_open_for_comments(self) -> bool:
        return self.status in (StandardStatus.DRAFT, StandardStatus.CONSULTATION,
                               StandardStatus.REVIEW)

    def paragraphs(self, field: str) -> list[str]:
        """The paragraphs of a text field: separated by a blank line (any line ending)."""
        text = (getattr(self, field) or "").replace("\r\n", "\n").replace("\r", "\n")
        return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


class Indicator(models.Model):
    """How to tell whether the standard is lived; may point at survey items, whose latest
    results are then shown beside the standard (suppressed as always)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(_("indicator"), max_length=300)
    item_codes = models.CharField(_("survey items"), max_length=200, blank=True,
                                  help_text=_("Item codes of the survey, separated by commas, "
                                              "e.g. err_team_known."))

    objects = TenantManager("standard__municipality__programme")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text

    @property
    def codes(self) -> list[str]:
        return [c.strip() for c in self.item_codes.split(",") if c.strip()]

    @property
    def audit_scope(self):
        return self.standard.audit_scope


class Version(models.Model):
    """Every saved state of a document, with who changed it and where it was agreed."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)
    event = models.ForeignKey("processes.Event", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="agreed_versions",
                              verbose_name=_("agreed at the event"))

    objects = TenantManager("standard__municipality__programme")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["standard", "number"],
                                               name="one_version_number")]


class _OnParagraph(models.Model):
    """What a person says about one paragraph of one version of a document."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="%(class)ss")
    version = models.PositiveIntegerField()
    field = models.CharField(max_length=16)
    paragraph = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("standard__municipality__programme")

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    @property
    def audit_scope(self):
        return self.standard.audit_scope

    def __str__(self):
        return f"{self.standard} ¶{self.paragraph + 1}"


class Comment(_OnParagraph):
    text = models.TextField(_("comment"))


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Amendment(_OnParagraph):
    original = models.TextField()
    proposal = models.TextField(_("proposed wording"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=10, choices=AmendmentStatus.choices,
                              default=AmendmentStatus.OPEN)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")


CONSENT_SCALE = [(1, _("I reject it")), (2, _("I have serious concerns")),
                 (3, _("I can live with it")), (4, _("I agree")), (5, _("I fully agree"))]


class Rating(models.Model):
    """Consent with a document, on five steps; one per person and version."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="ratings")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")  # a deleted person's rating stays, unnamed
    value = models.PositiveSmallIntegerField(_("your consent"), choices=CONSENT_SCALE,
                                             validators=[MinValueValidator(1),
                                                         MaxValueValidator(5)])
    statement = models.CharField(_("your position"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    objects = TenantManager("standard__municipality__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["standard", "version", "user"],
                                               name="one_rating_per_version")]


class Concept(MunicipalityScoped, models.Model):
    """The quality concept of a municipality: an introduction and the adopted documents."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE,
                                        related_name="concept")
    title = models.CharField(_("title"), max_length=200,
                             default=_("Quality concept child protection"))
    introduction = models.TextField(_("introduction"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager("municipality__programme")

    def __str__(self):
        return self.title or str(self.municipality)
