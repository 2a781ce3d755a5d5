"""The audit log: who did what to which object, when, in which tenant scope."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .notes import render_note
from .scoping import TenantManager


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    READ = "read", _("read")
    EXPORT = "export", _("exported")
    INVITE = "invite", _("invited")
    LOGIN = "login", _("logged in")
    LOGOUT = "logout", _("logged out")
    LOCKOUT = "lockout", _("locked out")
    PUBLISH = "publish", _("published")
    IMPORT = "import", _("imported")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("who"))
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    #: the summary's untranslated template (core.audit.note) and its values: shown in the
    #: reader's language; `summary` keeps the English text for search and older entries
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Tenant scope, so coordinators and institute staff can read their part of the log.
    programme = models.ForeignKey("tenancy.Programme", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    objects = TenantManager("programme")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["programme", "-at"]),
            models.Index(fields=["municipality", "-at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def change_rows(self):
        """(label, old, new) per changed field, with the field's name and choice labels."""
        model = self.content_type.model_class() if self.content_type else None
        rows = []
        for name, values in (self.changes or {}).items():
            old, new = (list(values) + [None, None])[:2]
            label = name
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except Exception:  # noqa: BLE001 - a field removed since; show the raw name
                    field = None
                if field is not None:
                    label = field.verbose_name
                    choices = dict(field.flatchoices) if field.choices else {}
                    old, new = choices.get(old, old), choices.get(new, new)
            rows.append((label, old, new))
        return rows

    @property
    def summary_text(self) -> str:
        """The summary in the active language."""
        if not self.message:
            return self.summary
        return render_note(self.message, self.params)

    @property
    def object_kind(self):
        return self.content_type.model_class()._meta.verbose_name if self.content_type else ""


class MunicipalityScoped:
    """Mixin for models with a `municipality`: audit entries land in its scope."""

    @property
    def audit_scope(self):
        return {"programme_id": self.municipality.programme_id,
                "municipality_id": self.municipality_id}
