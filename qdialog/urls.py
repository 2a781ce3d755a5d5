from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from qdialog.accounts import views as account_views
from qdialog.core import views as core_views

admin.site.site_header = "qdialog – Betrieb"
admin.site.site_title = "qdialog"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("qdialog.tenancy.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
