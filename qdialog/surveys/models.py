"""Instruments, waves, access codes and answer sets.

Anonymity by structure: a `Response` has no foreign key, token, address, user agent or time of day
that could link it to an `AccessCode`, an invitation or a person; it stores the date at most. The
code is marked used in the same transaction in which the answers are stored (services.py).
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.fields import RandomIdField
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Cluster, Municipality, Programme


class Language(models.TextChoices):
    DE = "de", _("German")
    EN = "en", _("English")
    PLAIN = "plain", _("Plain German (Leichte Sprache)")


class Instrument(models.Model):
    """A versioned questionnaire. Frozen once a wave opens with it; later changes need a copy."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="instruments", verbose_name=_("programme"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="instruments",
                                     verbose_name=_("municipality"),
                                     help_text=_("Empty: available to the whole programme."))
    family = models.SlugField(_("identifier"), max_length=80,
                              help_text=_("Stays the same across versions, e.g. "
                                          "kinderschutz-bestandsaufnahme."))
    version = models.PositiveIntegerField(_("version"), default=1)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_plain = models.CharField(_("title (plain language)"), max_length=200, blank=True)
    intro_de = models.TextField(_("introduction (German)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_plain = models.TextField(_("introduction (plain language)"), blank=True)
    paged = models.BooleanField(_("one section per page"), default=True)
    dimension_labels = models.JSONField(_("names of the dimensions"), default=dict, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="next_versions", verbose_name=_("copied from"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["family", "-version"]
        constraints = [models.UniqueConstraint(fields=["programme", "family", "version"],
                                               name="instrument_version_unique")]

    def __str__(self):
        return f"{self.title_de} (v{self.version})"

    def dimension_label(self, name, language="de"):
        labels = (self.dimension_labels or {}).get(name) or {}
        return labels.get(language) or labels.get("de") or name

    @property
    def is_frozen(self):
        return self.frozen_at is not None

    def items_exist(self):
        return Item.objects.filter(section__instrument=self).exists()

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}


class Section(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=40)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_plain = models.CharField(_("title (plain language)"), max_length=200, blank=True)
    intro_de = models.TextField(_("introduction (German)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_plain = models.TextField(_("introduction (plain language)"), blank=True)
    condition = models.JSONField(_("shown only if"), default=dict, blank=True)

    objects = TenantManager("instrument__programme")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"],
                                               name="section_code_unique")]

    def __str__(self):
        return self.title_de

    @property
    def audit_scope(self):
        return self.instrument.audit_scope


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Rating scale (Likert)")
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    MATRIX = "matrix", _("Matrix (several items on one scale)")


class ItemRole(models.TextChoices):
    NONE = "", _("—")
    PERSPECTIVE = "perspective", _("Respondent's perspective")
    PROFESSIONAL_SYSTEM = "professional_system", _("Respondent's professional system")


class Item(models.Model):
    """A question. Its `code` is the variable name in exports and stays stable across versions."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=40,
                            help_text=_("Variable name, e.g. err_team_known. Letters, digits "
                                        "and underscores; keep it across versions."))
    kind = models.CharField(_("type"), max_length=16, choices=ItemKind.choices)
    text_de = models.TextField(_("question (German)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    text_plain = models.TextField(_("question (plain language)"), blank=True)
    help_de = models.CharField(_("hint (German)"), max_length=300, blank=True)
    help_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    help_plain = models.CharField(_("hint (plain language)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    reverse_coded = models.BooleanField(_("reverse coded"), default=False)
    scale_points = models.PositiveSmallIntegerField(
        _("scale points"), null=True, blank=True, choices=[(4, "4"), (5, "5"), (7, "7")])
    dont_know = models.BooleanField(_("offer “don't know / no answer”"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    allow_other = models.BooleanField(_("offer “other” with a text"), default=False)
    rows = models.JSONField(_("matrix rows"), default=list, blank=True)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    condition = models.JSONField(_("shown only if"), default=dict, blank=True)
    dimension = models.CharField(_("dimension"), max_length=60, blank=True,
                                 help_text=_("Items of one dimension form a scale in analysis."))
    role = models.CharField(_("role"), max_length=32, choices=ItemRole.choices, blank=True)

    objects = TenantManager("section__instrument__programme")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.code}: {self.text_de[:60]}"

    def clean(self):
        errors = {}
        if (self.kind in (ItemKind.LIKERT, ItemKind.MATRIX)
                and self.scale_points not in (4, 5, 7) and not self.options):
            errors["scale_points"] = _("A rating scale needs 4, 5 or 7 points.")
        if self.kind in (ItemKind.SINGLE, ItemKind.MULTI) and not self.options:
            errors["options"] = _("A choice question needs at least one option.")
        if self.kind == ItemKind.MATRIX and not self.rows:
            errors["rows"] = _("A matrix needs at least one row.")
        if (self.min_value is not None and self.max_value is not None
                and self.min_value > self.max_value):
            errors["max_value"] = _("The maximum must not be below the minimum.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_scope(self):
        return self.section.instrument.audit_scope


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Wave(models.Model):
    """An instrument run in a scope at a time point (t0 baseline, t1, t2 …)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.RESTRICT, related_name="waves",
                                   verbose_name=_("instrument"))
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="waves",
                                  verbose_name=_("programme"))
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="waves", verbose_name=_("cluster"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="waves",
                                     verbose_name=_("municipality"))
    timepoint = models.PositiveSmallIntegerField(
        _("time point"), default=0, help_text=_("0 for the baseline (t0), 1 for t1 …"))
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=8, choices=WaveStatus.choices,
                              default=WaveStatus.DRAFT)
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"), default=5, validators=[MinValueValidator(3),
                                                        MaxValueValidator(50)],
        help_text=_("No result is shown for a smaller group. At least 3."))
    allow_group_code = models.BooleanField(
        _("open group code"), default=False,
        help_text=_("One code for a workshop room that many people can use."))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: the day the results were first read; from then on no answer can be added
    results_published_on = models.DateField(_("results published on"), null=True, blank=True)

    #: fixed once the wave has opened
    ANONYMITY_FIELDS = ("min_group_size", "allow_group_code", "instrument")

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["-opens_on", "title"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="wave_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(min_group_size__gte=3),
                                   name="wave_min_group_at_least_3"),
        ]

    def __str__(self):
        suffix = f"(t{self.timepoint})"
        title = self.title.strip()
        return title if title.endswith(suffix) else f"{title} {suffix}"

    @property
    def scope_object(self):
        return self.municipality or self.cluster or self.programme

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}

    @property
    def has_opened(self):
        return self.opened_at is not None

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The wave must not close before it opens.")})
        if self.municipality_id and self.municipality.programme_id != self.programme_id:
            raise ValidationError({"municipality": _("Not in this programme.")})
        if self.cluster_id and self.cluster.programme_id != self.programme_id:
            raise ValidationError({"cluster": _("Not in this programme.")})


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to type from paper


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class CodeKind(models.TextChoices):
    PERSONAL = "personal", _("personal code")
    GROUP = "group", _("group code")
    INVITATION = "invitation", _("e-mail invitation")


class AccessCode(models.Model):
    """How a respondent reaches a wave. Knows whether it was used, never which answers it gave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True, default=new_code)
    kind = models.CharField(max_length=12, choices=CodeKind.choices, default=CodeKind.PERSONAL)
    # for programme and cluster waves: the municipality the code was made for (a group, not a
    # person), so that results can be broken down by municipality
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    used = models.BooleanField(default=False)
    # save and continue later: the unfinished answers under the code, deleted on submit
    draft = models.JSONField(null=True, blank=True)
    # e-mail invitations only; the address is deleted when the wave closes
    email = models.EmailField(blank=True)
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_on = models.DateField(null=True, blank=True)
    #: the day of the last reminder (so that a rerun the same day reminds nobody twice)
    reminded_on = models.DateField(null=True, blank=True)

    objects = TenantManager("wave__programme")

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        indexes = [models.Index(fields=["wave", "kind", "used"])]

    def __str__(self):
        return self.code


class Response(models.Model):
    """One answer set. No link to a code, person, invitation, address or time of day.

    Its key is random, and `mixing.responses_mix()` rewrites the answer sets of a wave in a
    random order (new keys, one transaction) so that neither keys, storage order nor the
    database's transaction ids keep the order in which they arrived."""

    id = RandomIdField()
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    submitted_on = models.DateField()
    language = models.CharField(max_length=8, choices=Language.choices)
    perspective = models.CharField(max_length=32, blank=True, db_index=True)
    professional_system = models.CharField(max_length=32, blank=True, db_index=True)
    answers = models.JSONField(default=dict)
    # The numeric answers again, as float64 in the order of the instrument's numeric variables
    # (special values as sentinels): analysis reads this instead of parsing JSON.
    vector = models.BinaryField(null=True, blank=True, editable=False)
    #: False until the answer set has been rewritten with others in a random order
    mixed = models.BooleanField(default=False, editable=False)

    objects = TenantManager("wave__programme")

    class Meta:
        verbose_name = _("answer set")
        verbose_name_plural = _("answer sets")
        indexes = [models.Index(fields=["wave", "perspective", "professional_system"]),
                   models.Index(fields=["wave"], condition=models.Q(mixed=False),
                                name="response_unmixed")]

    def save(self, *args, **kwargs):
        if self.vector is None:
            from . import schema

            self.vector = schema.vectorize(schema.compiled(self.wave.instrument), self.answers)
        super().save(*args, **kwargs)


class SubmissionToken(models.Model):
    """A random token per questionnaire page view, so a repeated post is recognised.

    It is made when the page is shown, not from the code or the person, and has no link to the
    answer set it came with; the tokens of a wave are deleted when it closes.
    """

    id = RandomIdField()
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=43)

    objects = TenantManager("wave__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "token"],
                                               name="submission_token_unique")]


class RunStatus(models.TextChoices):
    RUNNING = "running", _("being sent")
    DONE = "done", _("sent")
    FAILED = "failed", _("stopped with an error")


class MailingRun(models.Model):
    """One run of sending invitations or reminders of a wave: how far it got, and why it
    stopped. Each address is marked as sent right after its e-mail went out, so a rerun sends
    only what was not sent."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mailing_runs")
    reminder = models.BooleanField(_("reminder"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(_("addresses"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = TenantManager("wave__programme")

    class Meta:
        verbose_name = _("mailing run")
        verbose_name_plural = _("mailing runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.wave} – {self.get_status_display()} ({self.sent}/{self.total})"

    @property
    def audit_scope(self):
        return self.wave.audit_scope
