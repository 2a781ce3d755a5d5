"""Who must use a second factor, decided in one place for every way into qdialog.

When the operator requires two-factor authentication (QDIALOG_REQUIRE_MFA), institute staff and
coordinators must have TOTP set up; operators (the admin site's staff) must whenever
QDIALOG_REQUIRE_MFA_OPERATORS is on, which it is by default in production. The same rule holds
for the pages (accounts.middleware), the JSON API's bearer tokens, the personal calendar
subscription and the admin site, whose own password-only login form is replaced by allauth's
(with its TOTP step).

Single sign-on (accounts/sso.py): the identity provider does the strong authentication. A
session opened through a sign-on needs no TOTP of qdialog's, nor does an account that can get
in only through its provider (local passwords off) – on its tokens and calendar link either.
Operators never log in through a tenant's provider, so the rule for them is unchanged. Whoever
has set up TOTP is still asked for it by allauth, also after a sign-on.
"""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from qdialog.tenancy.scope import scope_for

from .sso import SESSION_KEY, connection_for_email, is_operator, password_refused


def mfa_required(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if (user.is_staff or user.is_superuser) and settings.QDIALOG_REQUIRE_MFA_OPERATORS:
        return True
    return bool(settings.QDIALOG_REQUIRE_MFA and scope_for(user).requires_mfa)


def signed_on(request, user) -> bool:
    """The session was opened through single sign-on (and the connection is still active)."""
    slug = request.session.get(SESSION_KEY) if request is not None else None
    if not slug or is_operator(user):
        return False
    connection = connection_for_email(user.email)
    return connection is not None and connection.slug == slug


def mfa_missing(user, request=None) -> bool:
    """The person must use a second factor and has not set one up: nothing but setting it up
    (and logging out) is open to them."""
    if not mfa_required(user) or is_mfa_enabled(user):
        return False
    # the identity provider authenticated them – in this session, or always (no password)
    return not (signed_on(request, user) or password_refused(user.email, user) is not None)
