"""A quality development process — of a municipality, or of a whole cluster — with phases after
the dialogic model, and groups."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Cluster, Membership, Municipality, Organisation, Programme


class PhaseKind(models.TextChoices):
    COMMISSION = "commission", _("Commissioning (Auftragsklärung)")
    KICK_OFF = "kick_off", _("Kick-off (Auftakt)")
    BASELINE = "baseline", _("Baseline (Bestandsaufnahme)")
    PRIORITIES = "priorities", _("Choosing priorities (Priorisierung)")
    WORKSHOPS = "workshops", _("Workshop phase (Werkstattphase)")
    STANDARDS = "standards", _("Standards and concept")
    ACTIONS = "actions", _("Action planning (Maßnahmenplanung)")
    TRANSFER = "transfer", _("Transfer and continuation (Verstetigung)")
    EVALUATION = "evaluation", _("Evaluation")
    OTHER = "other", _("Other phase")


#: the dialogic phase model, the editable default of every new process
DEFAULT_PHASES = [PhaseKind.COMMISSION, PhaseKind.KICK_OFF, PhaseKind.BASELINE,
                  PhaseKind.PRIORITIES, PhaseKind.WORKSHOPS, PhaseKind.STANDARDS,
                  PhaseKind.ACTIONS, PhaseKind.TRANSFER, PhaseKind.EVALUATION]


class ProcessStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    COMPLETED = "completed", _("completed")


class Process(models.Model):
    """Belongs to exactly one municipality, or to a cluster (then its municipalities' actors take
    part together, e.g. in cluster network conferences and a shared Fachtag)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="processes",
                                     verbose_name=_("municipality"))
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="processes", verbose_name=_("cluster"))
    # The tenant key, set from the municipality or cluster on save (the tenant fence's path).
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="processes",
                                  editable=False, verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    institute = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("accompanying institute"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("lead"),
                             help_text=_("The person who leads the process locally."))
    interests = models.TextField(_("quality development interests"), blank=True,
                                 help_text=_("What the actors want to improve "
                                             "(Qualitätsentwicklungsinteressen)."))
    dimensions = models.JSONField(_("chosen dimensions"), default=list, blank=True)
    special_features = models.TextField(_("special features"), blank=True,
                                        help_text=_("What is particular about this municipality "
                                                    "or its process (for the profile)."))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProcessStatus.choices,
                              default=ProcessStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("quality development process")
        verbose_name_plural = _("quality development processes")
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False, cluster__isnull=True)
                | models.Q(municipality__isnull=True, cluster__isnull=False),
                name="process_of_municipality_or_cluster"),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        """The municipality or the cluster whose process this is."""
        return self.municipality or self.cluster

    def save(self, *args, **kwargs):
        if self.programme_id is None and self.owner is not None:
            self.programme_id = self.owner.programme_id
        super().save(*args, **kwargs)

    @property
    def is_cluster_process(self) -> bool:
        return self.cluster_id is not None

    def organisations(self):
        """The organisations that can take part: the municipality's, or those of all the
        cluster's municipalities."""
        if self.cluster_id:
            return Organisation.objects.filter(municipality__cluster_id=self.cluster_id)
        return Organisation.objects.filter(municipality_id=self.municipality_id)

    def people(self):
        """People with a role where the process runs, for lead and group seats."""

        if self.cluster_id:
            where = Q(municipality__cluster_id=self.cluster_id) | Q(cluster_id=self.cluster_id)
        else:
            where = Q(municipality_id=self.municipality_id)
        return get_user_model().objects.filter(
            pk__in=Membership.objects.filter(where).values("user"))

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}

    @property
    def current_phase(self):
        return next((p for p in self.phases.all() if p.status == PhaseStatus.ACTIVE), None)


class PhaseStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("running")
    DONE = "done", _("done")


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=PhaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=PhaseStatus.choices,
                              default=PhaseStatus.PLANNED)

    objects = TenantManager("process__programme")

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end must not lie before the start.")})

    @property
    def audit_scope(self):
        return self.process.audit_scope


class GroupKind(models.TextChoices):
    STEERING = "steering", _("Steering group (Steuerungsgruppe)")
    WORKING = "working", _("Working group (Arbeitsgruppe)")


class Group(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)

    objects = TenantManager("process__programme")

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope(self):
        return self.process.audit_scope


class GroupMember(models.Model):
    """A seat in a group: an organisation, and the person who represents it if known."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("role in the group"), max_length=100, blank=True)

    objects = TenantManager("group__process__programme")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "organisation", "person"],
                                               name="group_member_once")]

    def __str__(self):
        return f"{self.organisation}" + (f" ({self.person})" if self.person else "")

    @property
    def audit_scope(self):
        return self.group.process.audit_scope


class EventKind(models.TextChoices):
    KICK_OFF = "kick_off", _("Kick-off (Auftakt)")
    WORKSHOP = "workshop", _("Quality workshop (QE-Werkstatt)")
    NETWORK_CONFERENCE = "network_conference", _("Network conference (Netzwerkkonferenz)")
    STEERING = "steering", _("Steering group meeting")
    INTERIM = "interim", _("Interim conference")
    FINAL = "final", _("Final conference")
    FACHTAG = "fachtag", _("Fachtag")
    CASE_WORKSHOP = "case_workshop", _("Case workshop (Fallwerkstatt)")


class Event(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("begins"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    minutes = models.TextField(_("minutes (Protokoll)"), blank=True)
    open_points = models.TextField(_("open points"), blank=True)
    self_registration = models.BooleanField(
        _("participants may register themselves"), default=False,
        help_text=_("Gives the event a registration page whose address you can pass on."))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    #: how often the invitation was changed after it went out (iCalendar SEQUENCE)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = TenantManager("process__programme")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end must not lie before the beginning.")})

    @property
    def audit_scope(self):
        return self.process.audit_scope


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    time = models.TimeField(_("time"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    lead = models.CharField(_("led by"), max_length=200, blank=True)

    objects = TenantManager("event__process__programme")

    class Meta:
        ordering = ["time", "id"]

    def __str__(self):
        return self.topic

    @property
    def audit_scope(self):
        return self.event.audit_scope


class Reply(models.TextChoices):
    OPEN = "open", pgettext_lazy("reply", "open")
    YES = "yes", pgettext_lazy("reply", "accepted")
    MAYBE = "maybe", pgettext_lazy("reply", "maybe")
    NO = "no", pgettext_lazy("reply", "declined")


class Invitation(models.Model):
    """An organisation invited to an event; its reply, and whether it came."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    reply = models.CharField(_("reply"), max_length=8, choices=Reply.choices,
                             default=Reply.OPEN)
    announced = models.PositiveSmallIntegerField(_("people announced"), default=0)
    #: the event's `sequence` last sent to this organisation (None: never sent)
    sent_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    attended = models.BooleanField(_("attended"), default=False)
    participants = models.PositiveSmallIntegerField(_("people present"), default=0)
    # the organisation's business contacts named in the invitation (never clients)
    contacts = models.ManyToManyField("network.ContactPerson", blank=True,
                                      related_name="invitations",
                                      verbose_name=_("invited people"))

    objects = TenantManager("event__process__programme")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["event", "organisation"],
                                               name="invitation_once")]

    def __str__(self):
        return str(self.organisation)

    @property
    def registered(self) -> bool:
        return self.reply == Reply.YES

    @property
    def audit_scope(self):
        return self.event.audit_scope


class Registration(models.Model):
    """Someone who registered for an event on its registration page. The name and address are
    deleted when the programme's retention period for invitation addresses ends."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    people = models.PositiveSmallIntegerField(_("number of people"), default=1)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = TenantManager("event__process__programme")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]

    def __str__(self):
        return self.name or str(_("(name deleted)"))

    @property
    def audit_scope(self):
        return self.event.audit_scope


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("invitation")
    UPDATE = "update", _("change")
    CANCELLATION = "cancellation", _("cancellation")


class MailStatus(models.TextChoices):
    RUNNING = "running", _("sending")
    DONE = "done", _("sent")
    FAILED = "failed", _("stopped")


class InvitationRun(models.Model):
    """One sending of an event's invitations (or their change or cancellation), with progress."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="mail_runs")
    kind = models.CharField(max_length=14, choices=MailKind.choices)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=MailStatus.choices,
                              default=MailStatus.RUNNING)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager("event__process__programme")

    class Meta:
        ordering = ["-started_at", "-id"]


class Decision(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    standard = models.ForeignKey("standards.Standard", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="decisions",
                                 verbose_name=_("concerns the standard"))

    objects = TenantManager("event__process__programme")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return Truncator(" ".join(self.text.split())).words(12, truncate="…")

    @property
    def audit_scope(self):
        return self.event.audit_scope


def _max_20mb(upload):
    if upload.size > 20 * 1024 * 1024:
        raise ValidationError(_("The file is larger than 20 MB."))


class EventFile(models.Model):
    """A file attached to an event (presentation, handout, photo protocol). Served only through
    a view that checks access, never from a public media URL."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="events/%Y/", validators=[
        FileExtensionValidator(["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "png",
                                "jpg", "jpeg"]), _max_20mb])
    uploaded_on = models.DateField(auto_now_add=True)

    objects = TenantManager("event__process__programme")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def audit_scope(self):
        return self.event.audit_scope
