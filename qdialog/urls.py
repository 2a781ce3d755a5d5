from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path

from qdialog.accounts import views as account_views
from qdialog.api.api import api
from qdialog.core import views as core_views
from qdialog.core.scoping import unscoped

admin.site.site_header = "qdialog – Betrieb"
admin.site.site_title = "qdialog"
# The admin site's own login form knows passwords only; operators log in through allauth, with
# its second step when TOTP is set up (and required: accounts/mfa.py).
admin.site.login = secure_admin_login(admin.site.login)
_admin_view = admin.site.admin_view


def _operator_view(view, cacheable=False):
    """Operators set up programmes and memberships for the whole installation: the admin site's
    pages (each checks is_staff first, in admin_view) are opened past the tenant fence."""
    checked = _admin_view(view, cacheable)

    @wraps(checked)
    def operator_page(request, *args, **kwargs):
        with unscoped("the admin site is the operators' tool for the whole installation"):
            return checked(request, *args, **kwargs)
    return operator_page


admin.site.admin_view = _operator_view

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/profile/data.json", account_views.my_data, name="profile_data"),
    # allauth's views, answering invalid input with 400 (same names, so they take precedence)
    path("accounts/login/", account_views.LoginView.as_view(), name="account_login"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(),
         name="account_change_password"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(),
         name="account_reset_password"),
    re_path(r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
            account_views.PasswordResetFromKeyView.as_view(),
            name="account_reset_password_from_key"),
    path("accounts/password/set/", account_views.PasswordSetView.as_view(),
         name="account_set_password"),
    # single sign-on (docs/sso.md): the offer of a connection's identity provider; allauth's
    # page for linking further providers is not offered (a sign-on links itself)
    path("accounts/sso/<slug:slug>/", account_views.sign_on, name="account_sign_on"),
    path("accounts/3rdparty/", account_views.sign_on_links, name="socialaccount_connections"),
    path("accounts/oidc/<slug:provider_id>/login/", account_views.sign_on_start,
         name="openid_connect_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("qdialog.tenancy.urls")),
    path("", include("qdialog.surveys.urls")),
    path("", include("qdialog.analysis.urls")),
    path("", include("qdialog.reports.urls")),
    path("", include("qdialog.processes.urls")),
    path("", include("qdialog.network.urls")),
    path("", include("qdialog.incidents.urls")),
    path("", include("qdialog.casereviews.urls")),
    path("", include("qdialog.actions.urls")),
    path("", include("qdialog.standards.urls")),
    path("", include("qdialog.retention.urls")),
    path("", include("qdialog.notifications.urls")),
    path("", include("qdialog.qualitative.urls")),
]

# Uploaded files are never served from MEDIA_URL, not even in development: every download goes
# through a view that checks access (event files, agreements, reports).

handler500 = "qdialog.core.errors.server_error"
