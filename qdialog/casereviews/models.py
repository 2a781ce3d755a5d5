"""Systemic case reviews (Fallanalysen) after the established methods: a review team and a case
group reconstruct a case – chronology, key practice episodes with their contributing factors,
error hypotheses on four levels, underlying patterns, good practice, recommendations.

A review holds no identifying data: the child is described by coarse bands only (age band, sex,
known to services), people by their role and organisation type, never by name. Only the review's
members see it; every read is audited; only the published summary leaves the municipality.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from qdialog.core.choices import Priority, SystemLevel
from qdialog.core.models import MunicipalityScoped
from qdialog.core.scoping import TenantManager
from qdialog.incidents.models import AgeBand
from qdialog.tenancy.models import Municipality, ProfessionalSystem

ORG_TYPES = [(v, label) for v, label in ProfessionalSystem.choices]


class ReviewKind(models.TextChoices):
    RAPID = "rapid", _("Rapid review")
    FALL_LABOR = "fall_labor", _("Dialogic-systemic Fall-Labor")
    GEMEINSAM_LERNEN = "gemeinsam_lernen", _("Gemeinsam lernen aus Kinderschutzverläufen (NZFH)")
    LEARNING_TOGETHER = "learning_together", _("Learning Together (SCIE systems model)")
    FALLRUECKSCHAU = "fallrueckschau", _("Analysierende Fallrückschau")
    COLLEGIAL = "collegial", _("Collegial case reflection")


class ReviewTrigger(models.TextChoices):
    DEATH = "death", _("Death of a child")
    SERIOUS_HARM = "serious_harm", _("Serious harm")
    NEAR_MISS = "near_miss", _("Near miss")
    PROBLEMATIC = "problematic", _("Problematic course")
    SUCCESSFUL = "successful", _("Successful course")


class CaseStatus(models.TextChoices):
    CLOSED = "closed", _("closed")
    DORMANT = "dormant", _("dormant")
    ACTIVE = "active", _("still active")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    NOT_STATED = "not_stated", _("not stated")


class PriorContact(models.TextChoices):
    YES = "yes", _("known to services before")
    NO = "no", _("not known to services before")
    UNKNOWN = "unknown", _("not known")


class LegalBasis(models.TextChoices):
    ANONYMISED = "anonymised", _("Anonymised data only")
    P64_2A = "p64_2a", _("§ 64 Abs. 2a SGB VIII (consultation, pseudonymised)")
    P64_2C = "p64_2c", _("§ 64 Abs. 2c with § 79a SGB VIII (quality development)")
    CONSENT = "consent", _("Consent (§ 65 SGB VIII)")
    P75 = "p75", _("Approval for research (§ 75 SGB X)")


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    DATA_COLLECTION = "data_collection", _("Data collection")
    ANALYSIS = "analysis", _("Analysis")
    FINDINGS_AGREED = "findings_agreed", _("Findings agreed")
    PUBLISHED = "published", _("Report published")


STAGE_ORDER = list(Stage.values)
#: stages in which the team may still change the content
OPEN_STAGES = {Stage.PREPARATION, Stage.DATA_COLLECTION, Stage.ANALYSIS}


class CaseReview(MunicipalityScoped, models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="case_reviews", verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200,
                             help_text=_("A neutral working title, e.g. „Fallanalyse 2026-1“ – "
                                         "never a name."))
    kind = models.CharField(_("method"), max_length=20, choices=ReviewKind.choices)
    trigger = models.CharField(_("trigger"), max_length=16, choices=ReviewTrigger.choices)
    case_status = models.CharField(_("status of the case"), max_length=10,
                                   choices=CaseStatus.choices, default=CaseStatus.CLOSED)
    legal_basis = models.CharField(_("legal basis"), max_length=12, choices=LegalBasis.choices,
                                   default=LegalBasis.ANONYMISED)
    child_age_band = models.CharField(_("age of the child"), max_length=8,
                                      choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    child_sex = models.CharField(_("sex of the child"), max_length=10, choices=Sex.choices,
                                 default=Sex.NOT_STATED)
    known_to_services = models.CharField(_("known to services"), max_length=8,
                                         choices=PriorContact.choices, default=PriorContact.UNKNOWN)
    context = models.TextField(_("context"), blank=True,
                               help_text=_("Coarse context only: the help system involved, the "
                                           "period, what made the case a reason to learn."))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices,
                             default=Stage.PREPARATION)
    summary = models.TextField(_("published summary"), blank=True,
                               help_text=_("What others can learn from this review. The only "
                                           "part that leaves the municipality."))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("municipality__programme")

    class Meta:
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def next_stage(self):
        index = STAGE_ORDER.index(self.stage)
        return Stage(STAGE_ORDER[index + 1]) if index + 1 < len(STAGE_ORDER) else None


class Team(models.TextChoices):
    LEAD = "lead", _("Lead reviewer")
    REVIEW = "review", _("Review team")
    CASE_GROUP = "case_group", _("Case group")


class _Part(models.Model):
    """Something belonging to a review; audited in the review's scope."""

    class Meta:
        abstract = True

    @property
    def audit_scope(self):
        return self.review.audit_scope


class ReviewMember(_Part):
    """A seat on the review: by team, role and organisation type. People with an account who
    hold a seat may open the review; the case group's professionals often take part without."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="members")
    team = models.CharField(_("team"), max_length=12, choices=Team.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("person with access"))
    role = models.CharField(_("role"), max_length=120,
                            help_text=_("e.g. „Fachkraft ASD“, „Leitung Kita“ – no names."))
    organisation_type = models.CharField(_("organisation type"), max_length=32,
                                         choices=ORG_TYPES)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("review member")
        verbose_name_plural = _("review members")
        ordering = ["team", "id"]

    def __str__(self):
        return f"{self.get_team_display()}: {self.role}"


class SourceKind(models.TextChoices):
    CASE_FILE = "case_file", _("Case file")
    INTERNAL_REPORT = "internal_report", _("Internal report")
    EXPERT_OPINION = "expert_opinion", _("Expert opinion")
    MEDIA = "media", _("Media coverage")
    AGENCY_SUMMARY = "agency_summary", _("Agency summary")
    INTERVIEW = "interview", _("Conversation or interview")
    WORKSHOP = "workshop", _("Workshop protocol")


class Source(_Part):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    organisation_type = models.CharField(_("from"), max_length=32, choices=ORG_TYPES)
    period = models.CharField(_("period covered"), max_length=60, blank=True)
    anonymised = models.BooleanField(_("anonymised"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_organisation_type_display()})"


class ChronologyEntry(_Part):
    """One step of the multi-agency chronology, dated relatively or by month only."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="chronology")
    position = models.PositiveIntegerField(default=0)
    when = models.CharField(_("when"), max_length=60,
                            help_text=_("Month or relative time, e.g. „2025-03“ or „week 3“ – "
                                        "no exact dates."))
    organisation_type = models.CharField(_("agency"), max_length=32, choices=ORG_TYPES)
    action = models.TextField(_("what the agency did or knew"))

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.when}: {self.get_organisation_type_display()}"


class Episode(_Part):
    """A key practice episode (Learning Together)."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="episodes")
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=60, blank=True)
    agencies = models.JSONField(_("agencies involved"), default=list, blank=True)
    what_happened = models.TextField(_("what happened"))
    appraisal = models.TextField(_("appraisal"), blank=True,
                                 help_text=_("Was it good or problematic practice, and why?"))
    explanation = models.TextField(_("why it made sense at the time"), blank=True)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("key practice episode")
        verbose_name_plural = _("key practice episodes")
        ordering = ["id"]

    def __str__(self):
        return self.title


class FactorLevel(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline")
    LOCAL_STRATEGIC = "local_strategic", _("Local strategic")
    NATIONAL = "national", _("National")


class FactorType(models.TextChoices):
    FAMILY = "family", _("Family")
    STAFF = "staff", _("Staff")
    ROLE = "role", _("Role")
    WORKING_CONDITIONS = "working_conditions", _("Working conditions")
    TEAM = "team", _("Team")
    TOOLS = "tools", _("Tools")
    MANAGEMENT = "management", _("Management")
    MULTI_AGENCY = "multi_agency", _("Multi-agency work")


class ContributingFactor(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="factors")
    level = models.CharField(_("level"), max_length=16, choices=FactorLevel.choices)
    type = models.CharField(_("type"), max_length=20, choices=FactorType.choices)
    description = models.TextField(_("factor"))
    evidence = models.TextField(_("evidence"), blank=True,
                                help_text=_("Which source or statement supports it."))

    objects = TenantManager("episode__review__municipality__programme")

    class Meta:
        verbose_name = _("contributing factor")
        verbose_name_plural = _("contributing factors")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_level_display()} / {self.get_type_display()}"

    @property
    def review(self):
        return self.episode.review

    @property
    def audit_scope(self):
        return self.episode.review.audit_scope



class HypothesisStatus(models.TextChoices):
    OPEN = "open", _("open")
    SUPPORTED = "supported", _("supported")
    REJECTED = "rejected", _("rejected")


class Hypothesis(_Part):
    """An error hypothesis (Fehlerhypothese) with what participants said about it."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="hypotheses")
    level = models.CharField(_("level"), max_length=14, choices=SystemLevel.choices)
    statement = models.TextField(_("hypothesis"))
    statements = models.TextField(_("participants' statements"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HypothesisStatus.choices,
                              default=HypothesisStatus.OPEN)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("error hypothesis")
        verbose_name_plural = _("error hypotheses")
        ordering = ["level", "id"]

    def __str__(self):
        return self.statement[:80]


class PatternKind(models.TextChoices):
    HUMAN_TOOL = "human_tool", _("People and tools")
    HUMAN_MANAGEMENT = "human_management", _("People and the management system")
    MULTI_AGENCY_CRISIS = "multi_agency_crisis", _("Multi-agency work in a crisis")
    MULTI_AGENCY_LONG_TERM = "multi_agency_long_term", _("Multi-agency work over time")
    JUDGEMENT = "judgement", _("Professional judgement and reasoning")
    FAMILY_PROFESSIONAL = "family_professional", _("Family and professionals")
    GOOD_PRACTICE = "good_practice", _("Good practice")


class Pattern(_Part):
    """An underlying pattern the review found, or good practice worth keeping."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="patterns")
    kind = models.CharField(_("kind"), max_length=24, choices=PatternKind.choices)
    description = models.TextField(_("description"))
    generic = models.BooleanField(_("found beyond this case"), default=False)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("pattern or good practice")
        verbose_name_plural = _("patterns and good practice")
        ordering = ["kind", "id"]

    def __str__(self):
        return self.get_kind_display()



class Recommendation(_Part):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE,
                               related_name="recommendations")
    text = models.TextField(_("recommendation"))
    addressee = models.CharField(_("addressed to"), max_length=32, choices=ORG_TYPES)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices,
                                default=Priority.MEDIUM)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["id"]

    def __str__(self):
        return Truncator(" ".join(self.text.split())).words(12, truncate="…")


class Confirmation(_Part):
    """A reviewer looked at a possible identifier and confirmed that it identifies nobody."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE,
                               related_name="confirmations")
    text = models.CharField(max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("review__municipality__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "text"],
                                               name="one_confirmation_per_text")]

    def __str__(self):
        return str(self.review)  # never the confirmed wording
