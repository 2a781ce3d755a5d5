"""People who log in. Respondents and reporters never get an account."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login: institute staff, coordinators, participants, operators.

    Only business contact data: a name to show and a work e-mail address.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("de", _("German")), ("en", _("English"))],
        default="de",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("May log in to the operators' admin site.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "email"]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return str(self)

    def get_short_name(self):
        return str(self)


class SignOnConnection(models.Model):
    """Single sign-on through a tenant's identity provider (OpenID Connect), set up by an
    operator: for a programme or one of its municipalities, for the e-mail domains listed.

    The connection is the installation's configuration, read before anyone is logged in (the
    log-in page looks it up by the address typed), so it is not behind the tenant fence; its
    audit entries carry its tenant. allauth's `SocialApp` (provider `openid_connect`,
    provider_id = `slug`) is generated from it by the services (accounts/services.py) and holds
    the client secret, which is never shown again."""

    programme = models.ForeignKey("tenancy.Programme", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("programme"))
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("municipality"),
        help_text=_("Leave empty if the connection serves the whole programme."))
    name = models.CharField(
        _("display name"), max_length=200,
        help_text=_("Shown on the log-in button, e.g. “Stadt Musterstadt – Anmeldung mit dem "
                    "Dienstkonto”."))
    slug = models.SlugField(
        _("short name"), max_length=60, unique=True,
        help_text=_("Part of the redirect address registered at the identity provider; "
                    "cannot be changed later."))
    issuer = models.URLField(
        _("issuer URL"), max_length=500,
        help_text=_("The identity provider's issuer; its discovery document is read from "
                    "<issuer>/.well-known/openid-configuration."))
    client_id = models.CharField(_("client ID"), max_length=200)
    local_passwords_off = models.BooleanField(
        _("local passwords off for accounts of these domains"), default=False,
        help_text=_("People with an address of these domains can then log in only through "
                    "the identity provider: no password log-in, no password reset."))
    is_active = models.BooleanField(_("active"), default=True)
    social_app = models.OneToOneField("socialaccount.SocialApp", on_delete=models.PROTECT,
                                      related_name="qdialog_connection", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-on connection")
        verbose_name_plural = _("sign-on connections")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.municipality_id and self.programme_id
                and self.municipality.programme_id != self.programme_id):
            raise ValidationError(
                {"municipality": _("The municipality belongs to another programme.")})

    @property
    def audit_scope(self):
        return {"programme_id": self.programme_id, "municipality_id": self.municipality_id}

    @property
    def domain_names(self) -> list[str]:
        return sorted(d.domain for d in self.domains.all())


class SignOnDomain(models.Model):
    """An e-mail domain a connection covers; each domain belongs to one connection only."""

    connection = models.ForeignKey(SignOnConnection, on_delete=models.CASCADE,
                                   related_name="domains", verbose_name=_("sign-on connection"))
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    @property
    def audit_scope(self):
        return self.connection.audit_scope
