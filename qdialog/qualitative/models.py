"""Qualitative analysis: coding projects, their documents, a shared category system
(Kategoriensystem), codings, memos and the double-coding rounds.

A document's text never changes once coding has begun: codings are character ranges
[start, end) of it. Documents carry random keys, so that the order in which free-text answers
were gathered (and with it the order of answer sets) cannot be read off them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.fields import RandomIdField
from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Cluster, Municipality, Programme


class CategorySystem(models.Model):
    """A programme's category system, used by all its projects and municipalities. Every change
    to its structure raises the version and leaves a `CodeChange`."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("programme"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("category system")
        verbose_name_plural = _("category systems")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": None}


class CodeOrigin(models.TextChoices):
    DEDUCTIVE = "deductive", _("deductive (defined up front)")
    INDUCTIVE = "inductive", _("inductive (found in the material)")


#: the colours offered for codes: KERN-friendly, each with enough contrast to dark text
COLOURS = ["#f4a261", "#2a9d8f", "#e9c46a", "#8ab17d", "#e76f51", "#90caf9", "#ce93d8",
           "#ffab91", "#a5d6a7", "#fff59d", "#b0bec5", "#f48fb1"]


class Code(models.Model):
    """A code (Kategorie) with its definition, anchor example and coding rule (Mayring).
    A code of a municipality is a local addition to the programme's system."""

    system = models.ForeignKey(CategorySystem, on_delete=models.CASCADE, related_name="codes",
                               verbose_name=_("category system"))
    parent = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent code"))
    name = models.CharField(_("name"), max_length=120)
    definition = models.TextField(_("definition"), blank=True)
    anchor_example = models.TextField(_("anchor example"), blank=True)
    coding_rule = models.TextField(_("coding rule"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default=COLOURS[0])
    origin = models.CharField(_("origin"), max_length=10, choices=CodeOrigin.choices,
                              default=CodeOrigin.DEDUCTIVE)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("local addition of"))
    position = models.PositiveIntegerField(default=0)
    #: False once merged into another code or split up; its codings moved on
    active = models.BooleanField(default=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("system__programme")

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope(self):
        return {"programme_id": self.system.programme_id, "municipality_id": self.municipality_id}

    @property
    def is_local(self) -> bool:
        return self.municipality_id is not None

    @property
    def origin_short(self) -> str:
        """The origin in one word, for badges."""
        return str(_("deductive") if self.origin == CodeOrigin.DEDUCTIVE else _("inductive"))


class ChangeKind(models.TextChoices):
    CREATE = "create", _("added")
    RENAME = "rename", _("renamed")
    EDIT = "edit", _("definition changed")
    MOVE = "move", _("moved")
    MERGE = "merge", _("merged")
    SPLIT = "split", _("split")
    IMPORT = "import", _("imported")


class CodeChange(models.Model):
    """One step in the history of a category system."""

    system = models.ForeignKey(CategorySystem, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    code = models.ForeignKey(Code, on_delete=models.CASCADE, null=True, related_name="+")
    #: what a reader needs to follow the step: old and new names, the codes merged or split off
    detail = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("system__programme")

    class Meta:
        ordering = ["-version", "-pk"]


class Unit(models.TextChoices):
    DOCUMENT = "document", _("the whole document (one answer)")
    PARAGRAPH = "paragraph", _("paragraphs")
    SENTENCE = "sentence", _("sentences")


class Project(models.Model):
    """A coding project of a programme, a cluster or a municipality."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("programme"))
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("cluster"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("research question"), blank=True)
    system = models.ForeignKey(CategorySystem, on_delete=models.RESTRICT, related_name="projects",
                               verbose_name=_("category system"))
    coders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                    verbose_name=_("coders"))
    unit = models.CharField(_("unit of agreement"), max_length=10, choices=Unit.choices,
                            default=Unit.SENTENCE,
                            help_text=_("What counts as one unit when the codings of two coders "
                                        "are compared."))
    min_overlap = models.PositiveSmallIntegerField(
        _("minimum overlap (%)"), default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A unit counts as coded when a coding covers at least this share of it."))
    in_reports = models.BooleanField(
        _("show in survey reports"), default=False,
        help_text=_("The survey reports of the programme then carry a section \"What "
                    "participants say\" with this project's codes and chosen quotes of released "
                    "free-text answers."))
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("coding project")
        verbose_name_plural = _("coding projects")
        ordering = ["title"]
        constraints = [models.CheckConstraint(
            condition=models.Q(cluster__isnull=True) | models.Q(municipality__isnull=True),
            name="project_of_one_level")]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.municipality or self.cluster or self.programme

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}


class DocumentKind(models.TextChoices):
    FREE_TEXT = "free_text", _("free-text answer")
    MINUTES = "minutes", _("minutes of an event")
    DECISION = "decision", _("decision")
    INCIDENT = "incident", _("published near-miss report")
    CASE_REVIEW = "case_review", _("case-review material")
    TRANSCRIPT = "transcript", _("transcript")


class Document(models.Model):
    """A text to code. `source` names what it was taken from (e.g. "event:12"), so that the same
    material is gathered only once per project; free-text answers are named by their text's
    fingerprint only."""

    id = RandomIdField()
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    source = models.CharField(max_length=120, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("municipality"))
    #: only its seat holders read a case review's material
    case_review = models.ForeignKey("casereviews.CaseReview", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="+")
    #: wave, perspective, professional system – the variables of REFI-QDA
    attributes = models.JSONField(default=dict, blank=True)
    #: findings of the identifier check still to replace or confirm: [{kind, text, start}]
    findings = models.JSONField(default=list, blank=True)
    #: every finding replaced or confirmed: coding may begin
    cleared = models.BooleanField(default=True)
    #: coded independently by every coder of the project before they see each other's work
    double_coding = models.BooleanField(_("double coding"), default=False)
    #: the consensus round's decisions on disagreements: "<start>:<end>:<code pk>" -> coded?
    consensus = models.JSONField(default=dict, blank=True)
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    added_on = models.DateField(auto_now_add=True)

    objects = TenantManager("project__programme")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title", "id"]
        constraints = [models.UniqueConstraint(
            fields=["project", "source"], condition=~models.Q(source=""),
            name="document_source_once")]

    def __str__(self):
        return self.title

    @property
    def audit_scope(self):
        return {"programme_id": self.project.programme_id,
                "municipality_id": self.municipality_id or self.project.municipality_id}


class Round(models.TextChoices):
    OWN = "own", _("a coder's own coding")
    CONSENSUS = "consensus", _("consensus coding")


class Coding(models.Model):
    """A code assigned to the characters [start, end) of a document by a coder – or, in the
    consensus round, by the coders together (kept apart from their own)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.RESTRICT, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    round = models.CharField(max_length=10, choices=Round.choices, default=Round.OWN)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    #: chosen as a quote for the reports' section "What participants say" (released texts only)
    quote = models.BooleanField(_("quote in reports"), default=False)
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("document__project__programme")

    class Meta:
        ordering = ["start", "end", "pk"]
        indexes = [models.Index(fields=["document", "round", "coder"]),
                   models.Index(fields=["code", "round"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="coding_not_empty")]

    def __str__(self):
        return f"{self.code} [{self.start}:{self.end}]"

    @property
    def audit_scope(self):
        return self.document.audit_scope

    @property
    def passage(self) -> str:
        return self.document.text[self.start:self.end]


class CoderProgress(models.Model):
    """A coder's work on a double-coded document: finished, or not yet."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="progress")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager("document__project__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "coder"],
                                               name="coder_progress_once")]


class Memo(models.Model):
    """A memo on a project, a document, a passage (a coding) or a code."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memos")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="memos")
    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="memos")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="memos")
    text = models.TextField(_("memo"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("project__programme")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return str(_("Memo"))

    @property
    def audit_scope(self):
        return self.project.audit_scope


class CommentOrigin(models.Model):
    """A standard's paragraph comment that grew out of a code or a passage (linked both ways:
    the comment shows where it came from, the code lists what came of it)."""

    comment = models.OneToOneField("standards.Comment", on_delete=models.CASCADE,
                                   related_name="qualitative_origin")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="comment_origins")
    coding = models.ForeignKey(Coding, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="comment_origins")

    objects = TenantManager("code__system__programme")
