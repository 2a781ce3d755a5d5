"""Cooperation relations between the organisations of a municipality's child protection network,
and their business contact people. Never client data."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from qdialog.core.scoping import TenantManager
from qdialog.tenancy.models import Municipality, Organisation


def _max_size(upload):
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError(_("The file is larger than 10 MB."))


class RelationKind(models.TextChoices):
    WRITTEN = "written", _("Written cooperation agreement")
    P8A = "p8a", _("Agreement under § 8a SGB VIII")
    INFORMAL = "informal", _("Informal cooperation")
    CASE = "case", _("Case-related cooperation")


class Relation(models.Model):
    """A cooperation between two organisations. A–B and B–A are the same pair: one relation per
    pair, whatever its kind (the constraint `relation_pair_once` on the ordered pair)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="relations")
    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("organisation"))
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("cooperates with"))
    kind = models.CharField(_("kind"), max_length=12, choices=RelationKind.choices)
    strength = models.PositiveSmallIntegerField(
        _("strength"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)],
        choices=[(1, _("weak")), (2, _("medium")), (3, _("strong"))])
    agreement = models.FileField(
        _("agreement document"), upload_to="agreements/%Y/", blank=True,
        validators=[FileExtensionValidator(["pdf", "docx", "odt"]), _max_size])
    since = models.DateField(_("cooperating since"), null=True, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    objects = TenantManager("municipality__programme")

    class Meta:
        verbose_name = _("cooperation relation")
        verbose_name_plural = _("cooperation relations")
        constraints = [models.UniqueConstraint(
            Least("source", "target"), Greatest("source", "target"), name="relation_pair_once",
            violation_error_message=_("A relation between these two organisations already "
                                      "exists."))]

    def __str__(self):
        return f"{self.source} – {self.target}"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError(_("An organisation cannot cooperate with itself."))
        for field in ("source", "target"):
            if getattr(self, f"{field}_id") is None:
                continue  # reported by the form field
            if getattr(self, field).municipality_id != self.municipality_id:
                raise ValidationError(_("Both organisations must belong to this municipality."))

    @property
    def audit_scope(self):
        return {"programme_id": self.municipality.programme_id,
                "municipality_id": self.municipality_id}


class ContactPerson(models.Model):
    """A business contact of an organisation (name, function, work address) – never a client."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    function = models.CharField(_("function"), max_length=150, blank=True)
    email = models.EmailField(_("work e-mail"), blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)

    objects = TenantManager("organisation__programme")

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope(self):
        return self.organisation.audit_scope
