from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from qdialog.core import ratelimit
from qdialog.core.access import form_changes
from qdialog.core.audit import instance_update
from qdialog.tenancy.models import Membership

from .forms import ProfileForm
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


class LoginView(_InvalidFormAnswers400, allauth_views.LoginView):
    """allauth's log-in, refused for an hour from an address that failed too often with any
    accounts (password spraying; per account, django-axes locks earlier)."""

    def dispatch(self, request, *args, **kwargs):

        if (request.method == "POST" and ratelimit.count("login-failed", request)
                >= settings.QDIALOG_LOGIN_FAILURES_PER_ADDRESS):
            return render(request, "account/lockout.html", {"spraying": True}, status=429)
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(_InvalidFormAnswers400, allauth_views.PasswordChangeView):
    pass


class PasswordResetView(_InvalidFormAnswers400, allauth_views.PasswordResetView):
    pass


class PasswordResetFromKeyView(_InvalidFormAnswers400, allauth_views.PasswordResetFromKeyView):
    pass


@login_required
def my_data(request):
    """Everything stored about me, as a JSON download (DSGVO Art. 15 and 20)."""

    response = HttpResponse(personal_data_export(actor=request.user),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meine-daten-qdialog.json"'
    return response
