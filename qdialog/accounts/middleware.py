"""Require TOTP for institute staff, coordinators and operators when the operator switches it on
(the rule itself: accounts/mfa.py)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import mfa_missing

#: what stays open until TOTP is set up: setting it up, logging in and out, the password pages
#: (not the profile and not the person's data export, which are under /accounts/ too)
EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/login/", "/accounts/logout/",
                   "/accounts/reauthenticate/", "/accounts/password/", "/i18n/", "/static/",
                   "/healthz", "/admin/logout", "/accounts/sso/", "/accounts/oidc/")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and mfa_missing(request.user, request)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Please set up an "
                  "authenticator app to continue."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
