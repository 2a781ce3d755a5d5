from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("p/<slug:slug>/retention/", views.settings_page, name="settings"),
    path("p/<slug:slug>/retention/apply/", views.apply_now, name="apply"),
    path("p/<slug:slug>/retention/exports/<int:pk>/", views.export_download, name="export"),
    path("m/<int:pk>/retention/", views.municipality_page, name="municipality"),
    path("m/<int:pk>/retention/exports/<int:export_pk>/", views.municipality_export,
         name="municipality_export"),
]
