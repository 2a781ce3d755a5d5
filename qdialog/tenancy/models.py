"""Programme → numbered clusters → municipalities → organisations, and who may do what where.

The tenant is the programme; every object below it carries its programme so that scoping is one
indexed filter. Memberships give a person a role with a scope (see qdialog/tenancy/scope.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qdialog.core.scoping import TenantManager


class Programme(models.Model):
    """A programme of quality development accompanied by an institute, e.g. "Aus Fehlern lernen"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True,
                            help_text=_("Used in web addresses, e.g. aus-fehlern-lernen."))
    description = models.TextField(_("description"), blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True,
                              help_text=_("Who pays for the programme, e.g. a federal ministry."))
    carrier = models.CharField(_("carrier"), max_length=200, blank=True,
                               help_text=_("The body responsible for the programme (Träger)."))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    institute_sees_names = models.BooleanField(
        _("institute staff see municipality names in comparisons"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("pk")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end must not lie before the start.")})

    @property
    def audit_scope(self):
        return {"programme_id": self.pk}


class Cluster(models.Model):
    """A numbered Kinderschutz-Cluster: model municipalities with their partner municipalities."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="clusters",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="cluster_number_unique")
        ]

    def __str__(self):
        label = _("Cluster %(number)s") % {"number": self.number}
        return f"{label}: {self.name}" if self.name else str(label)

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id}


class MunicipalityKind(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis (district)")
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt (independent city)")
    KREISANGEHOERIGE_STADT = ("kreisangehoerige_stadt",
                              _("Kreisangehörige Stadt with own youth office"))
    STADTSTAAT_BEZIRK = "bezirk", _("Bezirk of a city state")
    REGIONALVERBAND = "regionalverband", _("Regionalverband / Region")


class Bundesland(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class ClusterRole(models.TextChoices):
    MODEL = "model", _("Model municipality")
    PARTNER = "partner", _("Partner municipality")


class EvaluationMode(models.TextChoices):
    EXTERNAL = "external", _("External evaluation")
    SELF = "self", _("Self-evaluation")
    NONE = "none", _("No evaluation")


class Municipality(models.Model):
    """A local authority with one Jugendamt (Kommune, Landkreis, kreisfreie Stadt)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="municipalities", verbose_name=_("programme"))
    cluster = models.ForeignKey(Cluster, on_delete=models.RESTRICT, null=True, blank=True,
                                related_name="municipalities", verbose_name=_("cluster"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=MunicipalityKind.choices)
    state = models.CharField(_("federal state"), max_length=2, choices=Bundesland.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    cluster_role = models.CharField(_("role in the cluster"), max_length=16,
                                    choices=ClusterRole.choices, default=ClusterRole.PARTNER)
    evaluation_mode = models.CharField(_("evaluation"), max_length=16,
                                       choices=EvaluationMode.choices, default=EvaluationMode.NONE)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="municipality_name_unique")
        ]
        indexes = [models.Index(fields=["programme", "cluster"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.cluster_id and self.programme_id and self.cluster.programme_id != self.programme_id:
            raise ValidationError({"cluster": _("The cluster belongs to another programme.")})

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.pk}


class ProfessionalSystem(models.TextChoices):
    """The professional systems of a child protection network (§ 3 KKG and DOMAIN.md)."""

    YOUTH_OFFICE = "youth_office", _("Youth office / social service (Jugendamt, ASD)")
    INDEPENDENT_PROVIDER = "independent_provider", _("Independent provider (freier Träger)")
    HEALTH = "health", _("Health (clinic, paediatrician, midwife)")
    SCHOOL = "school", _("School")
    KITA = "kita", _("Day care (Kita)")
    POLICE = "police", _("Police")
    FAMILY_COURT = "family_court", _("Family court")
    COUNSELLING = "counselling", _("Counselling service")
    EARLY_HELP = "early_help", _("Early help (Frühe Hilfen)")
    JOB_CENTRE = "job_centre", _("Job centre / social welfare")
    OTHER = "other", _("Other")
    INSTITUTE = "institute", _("Accompanying institute")


class Organisation(models.Model):
    """An organisation of the network; the accompanying institute is one too (no municipality)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="organisations", verbose_name=_("programme"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="organisations",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    professional_system = models.CharField(_("professional system"), max_length=32,
                                           choices=ProfessionalSystem.choices)
    email = models.EmailField(_("contact e-mail"), blank=True,
                              help_text=_("A functional address (e.g. info@…), used for "
                                          "invitations to events."))
    description = models.TextField(_("description"), blank=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "municipality", "name"],
                                    name="organisation_name_unique"),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False)
                | models.Q(professional_system="institute"),
                name="organisation_needs_municipality_unless_institute",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.municipality_id is None
                and self.professional_system != ProfessionalSystem.INSTITUTE):
            raise ValidationError(
                {"municipality": _("Only the accompanying institute has no municipality.")}
            )

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}


class Role(models.TextChoices):
    INSTITUTE_STAFF = "institute_staff", _("Institute staff")
    CLUSTER_COORDINATOR = "cluster_coordinator", _("Cluster coordinator")
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("Municipal coordinator")
    PARTICIPANT = "participant", _("Participant")


#: which scope field each role needs; the others stay empty
ROLE_SCOPE = {
    Role.INSTITUTE_STAFF: "programme",
    Role.CLUSTER_COORDINATOR: "cluster",
    Role.MUNICIPAL_COORDINATOR: "municipality",
    Role.PARTICIPANT: "municipality",
}


class Membership(models.Model):
    """A person's role with a scope: a programme, a cluster or a municipality."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships",
                                  verbose_name=_("programme"))
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="memberships", verbose_name=_("cluster"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="memberships", verbose_name=_("municipality"))
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="memberships",
                                     verbose_name=_("organisation"),
                                     help_text=_("Where the person works."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["programme", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(role="institute_staff", cluster__isnull=True,
                             municipality__isnull=True)
                    | models.Q(role="cluster_coordinator", cluster__isnull=False,
                               municipality__isnull=True)
                    | models.Q(role__in=["municipal_coordinator", "participant"],
                               cluster__isnull=True, municipality__isnull=False)
                ),
            ),
            # one constraint per scope kind: NULLs are distinct in unique indexes on SQLite
            models.UniqueConstraint(fields=["user", "programme"],
                                    condition=models.Q(role="institute_staff"),
                                    name="membership_unique_programme"),
            models.UniqueConstraint(fields=["user", "cluster"],
                                    condition=models.Q(role="cluster_coordinator"),
                                    name="membership_unique_cluster"),
            models.UniqueConstraint(fields=["user", "municipality", "role"],
                                    condition=models.Q(role__in=["municipal_coordinator",
                                                                 "participant"]),
                                    name="membership_unique_municipality"),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.scope_object}"

    @property
    def scope_object(self):
        return {"programme": self.programme, "cluster": self.cluster,
                "municipality": self.municipality}[ROLE_SCOPE[Role(self.role)]]

    def clean(self):
        field = ROLE_SCOPE.get(self.role)
        if field == "cluster" and not self.cluster_id:
            raise ValidationError({"cluster": _("A cluster coordinator needs a cluster.")})
        if field == "municipality" and not self.municipality_id:
            raise ValidationError({"municipality": _("This role needs a municipality.")})

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}
