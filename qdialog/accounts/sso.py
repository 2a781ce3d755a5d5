"""Single sign-on through a tenant's identity provider: which connection covers an address, and
whether what the provider says about a person may log them in (docs/sso.md).

The rules, in one place for the log-in page, the password pages and allauth's adapter:

- a connection covers exactly the e-mail domains listed for it (no subdomains unless listed);
  each domain belongs to one connection;
- a sign-on logs in only an **existing**, active qdialog account whose address is the provider's
  address, which the provider must mark as verified (`email_verified`) and which must lie in one
  of the connection's domains; nobody is signed up – accounts and memberships are still given
  by invitation in qdialog;
- operators (the admin site's staff) never log in through a tenant's identity provider: a
  tenant's provider cannot vouch for power over the whole installation. Local passwords stay on
  for them;
- with `local_passwords_off`, the other accounts of the connection's domains have no password
  log-in and no password reset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import SignOnConnection

#: the session key that marks a session opened through single sign-on (accounts/adapter.py)
SESSION_KEY = "qdialog_sign_on"

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def normalise_domain(value: str) -> str:
    """A domain as stored: lower-case, without a leading "@", internationalised names in their
    ASCII form (münchen.de → xn--mnchen-3ya.de). Raises ValidationError for anything else."""
    domain = (value or "").strip().lower().lstrip("@").rstrip(".")
    if not domain:
        raise ValidationError(_("Enter an e-mail domain."))
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("“%(domain)s” is not a valid e-mail domain.") % {
            "domain": value.strip()[:100]}) from None
    labels = domain.split(".")
    if (len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(part) for part in labels)
            or not _TLD.match(labels[-1])):
        raise ValidationError(_("“%(domain)s” is not a valid e-mail domain.") % {
            "domain": value.strip()[:100]})
    return domain


def parse_domains(text: str) -> list[str]:
    """The domains of a text with one domain a line (or separated by commas or spaces), each
    normalised; duplicates dropped. Raises one ValidationError naming every bad entry."""
    domains, errors = [], []
    for entry in re.split(r"[\s,;]+", text or ""):
        if not entry:
            continue
        try:
            domain = normalise_domain(entry)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if domain not in domains:
            domains.append(domain)
    if errors:
        raise ValidationError(errors)
    if not domains:
        raise ValidationError(_("Enter at least one e-mail domain."))
    return domains


def domain_of(email: str) -> str | None:
    """The normalised domain of an address, or None if it has none that could be covered."""
    if not isinstance(email, str) or email.count("@") != 1:
        return None
    try:
        return normalise_domain(email.rsplit("@", 1)[1])
    except ValidationError:
        return None


def connection_for_email(email: str) -> SignOnConnection | None:
    """The active connection covering the address's domain, if any (one query)."""
    domain = domain_of(email)
    if domain is None:
        return None
    return (SignOnConnection.objects.filter(is_active=True, domains__domain=domain)
            .select_related("social_app").first())


def is_operator(user) -> bool:
    return bool(user is not None and (user.is_staff or user.is_superuser))


def passwords_off_connection(email: str) -> SignOnConnection | None:
    """The connection covering the address that switched local passwords off, or None –
    whoever the address belongs to."""
    connection = connection_for_email(email)
    return connection if connection is not None and connection.local_passwords_off else None


def password_refused(email: str, user=None) -> SignOnConnection | None:
    """The connection that switched local passwords off for this address (its password log-in
    and reset are refused), or None. Operators keep their password."""
    connection = connection_for_email(email)
    if connection is None or not connection.local_passwords_off:
        return None
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if is_operator(user):
        return None
    return connection


def is_verified(claims: dict) -> bool:
    """`email_verified` as the provider sent it: only true (or the string "true", as some
    providers send it) counts; missing, false or anything else does not."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@dataclass(frozen=True)
class Refusal:
    """Why a sign-on did not log anyone in: `reason` for the log, `message` for the person."""

    reason: str
    message: str


def check_sign_on(*, connection: SignOnConnection | None, claims: dict, user) -> Refusal | None:
    """None if the provider's claims may log in `user` (the account found for them, or None)
    through `connection`; otherwise why not."""
    if connection is None or not connection.is_active:
        return Refusal("connection inactive", _("This sign-on is not available."))
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return Refusal("no e-mail claim", _(
            "The identity provider did not tell qdialog your e-mail address. Please ask its "
            "administrators to release the “email” claim."))
    if not is_verified(claims):
        return Refusal("e-mail not verified", _(
            "The identity provider has not confirmed your e-mail address, so qdialog cannot "
            "log you in with it."))
    domain = domain_of(email)
    if domain is None or domain not in connection.domain_names:
        return Refusal("domain not covered", _(
            "Your e-mail address does not belong to the organisations this sign-on serves."))
    if user is None or not user.is_active:
        return Refusal("no account", _(
            "There is no qdialog account for your e-mail address. Accounts are created by "
            "invitation from your coordinator or the accompanying institute."))
    if user.email.strip().lower() != email.strip().lower():
        return Refusal("address differs", _(
            "Your e-mail address at the identity provider is not the one of your qdialog "
            "account. Please ask your coordinator."))
    if is_operator(user):
        return Refusal("operator", _(
            "Operator accounts log in with their password and second factor, not through a "
            "tenant's identity provider."))
    return None
