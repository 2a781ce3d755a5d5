"""Require TOTP for institute staff and coordinators when the operator switches it on."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/admin/logout")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.QDIALOG_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.scope.requires_mfa
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Please set up an "
                  "authenticator app to continue."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
