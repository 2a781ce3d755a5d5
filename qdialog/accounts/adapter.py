"""allauth adapters: qdialog is invitation-only, nobody signs themselves up – neither with a
password nor through an identity provider (single sign-on: accounts/sso.py, docs/sso.md)."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from qdialog.core import sealing

from . import sso
from .models import SignOnConnection

logger = logging.getLogger("qdialog.accounts.sso")


def password_refused_message(connection) -> str:
    return _("Your organisation signs you in to qdialog through “%(name)s”; a password cannot "
             "be used for your address. Please use the sign-on button.") % {
        "name": connection.name}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        """Every password log-in (the log-in page, the admin site's, which is allauth's here)
        is refused for an address whose connection switched local passwords off."""
        super().pre_authenticate(request, **credentials)
        email = credentials.get("email") or credentials.get("username")
        connection = sso.passwords_off_connection(email) if isinstance(email, str) else None
        if connection is None:
            return
        # Operators keep their password. Only the right one lets them past: a wrong one gets
        # the answer everybody of the domain gets – after as much hashing, and counted as a
        # failed log-in like theirs – so that no try tells which addresses are operators'.
        password = credentials.get("password") or ""
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if sso.is_operator(user) and user.is_active:
            if user.check_password(password):
                return
        else:
            make_password(password)
        user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)
        raise ValidationError(password_refused_message(connection), code="sign_on_only")

    def reauthenticate(self, user, password):
        if sso.password_refused(user.email, user) is not None:
            return False
        return super().reauthenticate(user, password)

    def post_login(self, request, user, *, signal_kwargs=None, **kwargs):
        """Mark the session as opened through single sign-on – or, for any other log-in, not."""
        connection = getattr(request, "_qdialog_sign_on", None)
        if connection is not None and (signal_kwargs or {}).get("sociallogin") is not None:
            request.session[sso.SESSION_KEY] = connection.slug
        else:
            request.session.pop(sso.SESSION_KEY, None)
        return super().post_login(request, user, signal_kwargs=signal_kwargs, **kwargs)


def _claims(sociallogin) -> tuple[dict, str | None]:
    """The provider's claims (userinfo, fetched server-side with the access token, else the
    verified ID token) and, if both came, whether they name the same subject."""
    data = sociallogin.account.extra_data or {}
    userinfo, id_token = data.get("userinfo"), data.get("id_token")
    if userinfo and id_token and str(userinfo.get("sub")) != str(id_token.get("sub")):
        return {}, "subject differs"
    return dict(userinfo or id_token or {}), None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Only qdialog's own sign-on connections are offered, and a sign-on logs in only the
    existing account of the provider's verified address (accounts/sso.py)."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def list_apps(self, request, provider=None, client_id=None):
        active = set(SignOnConnection.objects.filter(is_active=True)
                     .values_list("social_app_id", flat=True))
        apps = [app for app in super().list_apps(request, provider=provider,
                                                  client_id=client_id)
                if app.pk in active]
        for app in apps:  # in memory only, for the token request; never saved like this
            app.secret = sealing.unseal(app.secret)
        return apps

    def pre_social_login(self, request, sociallogin):
        provider_id = sociallogin.account.provider
        connection = (SignOnConnection.objects.filter(slug=provider_id)
                      .select_related("social_app").first())
        claims, problem = _claims(sociallogin)
        process = sociallogin.state.get("process") or AuthProcess.LOGIN
        if process not in (AuthProcess.LOGIN, AuthProcess.REDIRECT):
            problem = problem or "process refused"
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None and not problem:
            email = claims.get("email")
            if isinstance(email, str) and email.strip() and sso.is_verified(claims):
                user = get_user_model().objects.filter(email__iexact=email.strip()).first()
            if user is not None and SocialAccount.objects.filter(
                    user=user, provider=provider_id).exclude(
                    uid=sociallogin.account.uid).exists():
                problem = "another identity is linked"
        refusal = (sso.Refusal(problem, _("This sign-on cannot log you in. Please ask your "
                                          "coordinator or the operators of qdialog."))
                   if problem else
                   sso.check_sign_on(connection=connection, claims=claims, user=user))
        if refusal is not None:
            logger.warning("sign-on refused: connection %s, domain %s: %s", provider_id,
                           sso.domain_of(claims.get("email") or "") or "-", refusal.reason)
            raise ImmediateHttpResponse(render(
                request, "socialaccount/refused.html",
                {"message": refusal.message, "connection": connection}, status=403))
        request._qdialog_sign_on = connection
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)  # remembers the provider's subject for the account
        return super().pre_social_login(request, sociallogin)

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None):
        logger.warning("sign-on failed at connection %s: %s (%s)",
                       getattr(getattr(provider, "app", None), "provider_id", "-"), error,
                       type(exception).__name__ if exception else "-")
        return super().on_authentication_error(request, provider, error=error,
                                               exception=exception, extra_context=extra_context)
