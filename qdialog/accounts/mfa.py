"""Who must use a second factor, decided in one place for every way into qdialog.

When the operator requires two-factor authentication (QDIALOG_REQUIRE_MFA), institute staff and
coordinators must have TOTP set up; operators (the admin site's staff) must whenever
QDIALOG_REQUIRE_MFA_OPERATORS is on, which it is by default in production. The same rule holds
for the pages (accounts.middleware), the JSON API's bearer tokens, the personal calendar
subscription and the admin site, whose own password-only login form is replaced by allauth's
(with its TOTP step).
"""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from qdialog.tenancy.scope import scope_for


def mfa_required(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if (user.is_staff or user.is_superuser) and settings.QDIALOG_REQUIRE_MFA_OPERATORS:
        return True
    return bool(settings.QDIALOG_REQUIRE_MFA and scope_for(user).requires_mfa)


def mfa_missing(user) -> bool:
    """The person must use a second factor and has not set one up: nothing but setting it up
    (and logging out) is open to them."""
    return mfa_required(user) and not is_mfa_enabled(user)
