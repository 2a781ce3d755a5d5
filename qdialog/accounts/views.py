from urllib.parse import urlencode, urlsplit

from allauth.account import views as allauth_views
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from qdialog.core import ratelimit
from qdialog.core.access import form_changes
from qdialog.core.audit import instance_update
from qdialog.tenancy.models import Membership

from . import sso
from .adapter import password_refused_message
from .forms import ProfileForm, SignOnAwareResetPasswordForm
from .models import SignOnConnection
from .personal_data import personal_data_export


@login_required
def profile(request):
    """The person's own page: name, language, roles; links to password and 2FA settings."""
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        instance_update(actor=user, instance=user, fields=fields)
        language = user.preferred_language
        translation.activate(language)
        messages.success(request, _("Your profile was saved."))
        response = redirect("profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False))
        return response
    memberships = (Membership.objects.filter(user=user)
                   .select_related("programme", "cluster", "municipality", "organisation"))
    return render(request, "accounts/profile.html",
                  {"form": form, "memberships": memberships},
                  status=400 if form.errors else 200)


class _InvalidFormAnswers400:
    """allauth re-renders an invalid form with 200; qdialog answers bad input with 400."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return value
    return ""


def _sign_on_url(request, connection, email="", next_url=""):
    query = {k: v for k, v in (("login_hint", email), ("next", _safe_next(request, next_url)))
             if v}
    url = reverse("account_sign_on", kwargs={"slug": connection.slug})
    return f"{url}?{urlencode(query)}" if query else url


def _refused(request, connection, message, status=403):
    return render(request, "account/sign_on_only.html",
                  {"connection": connection, "message": message,
                   "sign_on_url": _sign_on_url(request, connection)}, status=status)


class LoginView(_InvalidFormAnswers400, allauth_views.LoginView):
    """allauth's log-in, refused for an hour from an address that failed too often with any
    accounts (password spraying; per account, django-axes locks earlier).

    "Continue with single sign-on" (`sign_on` in the post) takes the address typed to the
    sign-on of the connection covering its domain (accounts/sso.py); a password log-in for an
    address whose connection switched local passwords off is refused by the adapter with a
    message, and the page then offers the connection's button."""

    def dispatch(self, request, *args, **kwargs):

        if (request.method == "POST" and ratelimit.count("login-failed", request)
                >= settings.QDIALOG_LOGIN_FAILURES_PER_ADDRESS):
            return render(request, "account/lockout.html", {"spraying": True}, status=429)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "sign_on" not in request.POST:
            return super().post(request, *args, **kwargs)
        email = (request.POST.get("login") or "").strip()
        connection = sso.connection_for_email(email)
        if connection is not None:
            return redirect(_sign_on_url(request, connection, email, request.POST.get("next")))
        form = self.get_form()
        form.errors.clear()
        form.add_error("login", _("Single sign-on is not set up for this e-mail address. "
                                  "Please log in with your password."))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sign_on_available"] = SignOnConnection.objects.filter(is_active=True).exists()
        if self.request.method == "POST":
            email = (self.request.POST.get("login") or "").strip()
            connection = sso.connection_for_email(email)
            if connection is not None:
                context["sign_on"] = connection
                context["sign_on_url"] = _sign_on_url(self.request, connection, email,
                                                      self.request.POST.get("next"))
        return context


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@login_not_required
def sign_on(request, slug):
    """The offer to log in through a connection's identity provider: one button that posts to
    allauth's OpenID Connect log-in (which sends the browser to the provider)."""
    connection = SignOnConnection.objects.filter(slug=slug, is_active=True).first()
    if connection is None:
        raise Http404
    action = reverse("openid_connect_login", kwargs={"provider_id": connection.slug})
    hint = (request.GET.get("login_hint") or "").strip()[:254]
    if hint and sso.domain_of(hint) in connection.domain_names:
        action += "?" + urlencode({"auth_params": urlencode({"login_hint": hint})})
    response = render(request, "account/sign_on.html", {
        "connection": connection, "action": action,
        "next": _safe_next(request, request.GET.get("next"))})
    # the form posts here, and the answer sends the browser on to the provider: the policy's
    # form-action holds for that redirect too
    response._csp_update = {"form-action": [_origin(connection.issuer)]}
    return response


@login_not_required
def sign_on_start(request, provider_id):
    """allauth's OpenID Connect log-in: a post (from the page above) goes to the provider; a
    plain visit shows the page above instead of allauth's own confirmation."""
    if request.method != "POST":
        return redirect("account_sign_on", slug=provider_id)
    return oidc_views.login(request, provider_id)


class _NoPasswordForSignOnOnly:
    """Setting or changing a password is refused for an account whose connection switched
    local passwords off (its log-in would refuse the password anyway)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            connection = sso.password_refused(user.email, user)
            if connection is not None:
                return _refused(request, connection, password_refused_message(connection))
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(_NoPasswordForSignOnOnly, _InvalidFormAnswers400,
                         allauth_views.PasswordChangeView):
    pass


class PasswordSetView(_NoPasswordForSignOnOnly, _InvalidFormAnswers400,
                      allauth_views.PasswordSetView):
    pass


class PasswordResetView(_InvalidFormAnswers400, allauth_views.PasswordResetView):
    form_class = SignOnAwareResetPasswordForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connection = getattr(context.get("form"), "sign_on", None)
        if connection is not None:
            context["sign_on"] = connection
            context["sign_on_url"] = _sign_on_url(self.request, connection)
        return context


class PasswordResetFromKeyView(_InvalidFormAnswers400, allauth_views.PasswordResetFromKeyView):
    """A reset (or invitation) link sets no password for an account whose connection switched
    local passwords off: the page points at the sign-on instead."""

    def _sign_on_only(self):
        user = getattr(self, "reset_user", None)
        return sso.password_refused(user.email, user) if user is not None else None

    def get(self, request, *args, **kwargs):
        connection = self._sign_on_only()
        if connection is not None:
            return _refused(request, connection, password_refused_message(connection), 200)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        connection = self._sign_on_only()
        if connection is not None:
            return _refused(request, connection, password_refused_message(connection))
        return super().post(request, *args, **kwargs)


@login_required
def sign_on_links(request):
    """allauth's page for connecting further identity providers is not offered: a sign-on
    links itself to the account of its verified address (accounts/adapter.py)."""
    return redirect("profile")


@login_required
def my_data(request):
    """Everything stored about me, as a JSON download (DSGVO Art. 15 and 20)."""

    response = HttpResponse(personal_data_export(actor=request.user),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meine-daten-qdialog.json"'
    return response
