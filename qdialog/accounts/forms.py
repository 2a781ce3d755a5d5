from urllib.parse import urlsplit

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qdialog.core import sealing

from . import sso
from .adapter import password_refused_message
from .models import SignOnConnection, SignOnDomain, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language"]


class SignOnAwareResetPasswordForm(ResetPasswordForm):
    """No reset link for an address whose connection switched local passwords off: the
    message says so and names the connection (a domain's policy, not whether an account
    exists)."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        connection = sso.password_refused(email)
        if connection is not None:
            self.sign_on = connection
            raise ValidationError(password_refused_message(connection), code="sign_on_only")
        return super().clean_email()


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DISCOVERY = "/.well-known/openid-configuration"


class SignOnConnectionForm(forms.ModelForm):
    """An operator's connection in the admin site. The client secret is written, never shown:
    left empty when changing a connection, the stored one stays."""

    client_secret = forms.CharField(
        label=_("client secret"), required=False, strip=True, max_length=sealing.MAX_LENGTH,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again. When changing the connection, leave it empty to keep "
                    "the stored secret; after an error, enter it again."))
    issuer = forms.URLField(
        label=_("issuer URL"), max_length=500, assume_scheme="https",
        help_text=SignOnConnection._meta.get_field("issuer").help_text)
    domain_list = forms.CharField(
        label=_("e-mail domains"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("One domain a line, e.g. musterstadt.de. Subdomains are covered only if "
                    "listed. Each domain can belong to one connection only."))

    class Meta:
        model = SignOnConnection
        fields = ["programme", "municipality", "name", "slug", "issuer", "client_id",
                  "local_passwords_off", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["domain_list"] = "\n".join(self.instance.domain_names)

    def clean_issuer(self):
        issuer = (self.cleaned_data.get("issuer") or "").strip()
        if issuer.endswith(DISCOVERY):
            issuer = issuer[: -len(DISCOVERY)]
        issuer = issuer.rstrip("/")
        parts = urlsplit(issuer)
        local = parts.hostname in LOCAL_HOSTS and not settings.PRODUCTION
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValidationError(_("The issuer URL must start with https://."))
        if parts.query or parts.fragment or "?" in issuer or "#" in issuer:
            raise ValidationError(_("The issuer URL must not contain a query or a fragment."))
        return issuer

    def clean_domain_list(self):
        domains = sso.parse_domains(self.cleaned_data.get("domain_list", ""))
        taken = (SignOnDomain.objects.filter(domain__in=domains)
                 .exclude(connection_id=self.instance.pk).select_related("connection"))
        errors = [_("%(domain)s is already covered by “%(connection)s”.") % {
            "domain": d.domain, "connection": d.connection.name} for d in taken]
        if errors:
            raise ValidationError(errors)
        return domains

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret", "")
        if not secret and not self.instance.pk:
            raise ValidationError(_("Enter the client secret the identity provider issued."))
        return secret
