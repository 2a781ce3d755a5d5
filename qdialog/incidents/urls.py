from django.urls import path

from . import views, views_public

app_name = "incidents"

urlpatterns = [
    path("melden/<str:key>/", views_public.report_form, name="report"),
    path("melden/<str:key>/antwort/", views_public.followup, name="followup"),
    path("m/<int:pk>/reporting/", views.municipality_overview, name="municipality"),
    path("m/<int:pk>/reporting/setup/", views.municipality_create, name="municipality_create"),
    path("p/<slug:slug>/reporting/", views.programme_overview, name="programme"),
    path("p/<slug:slug>/reporting/setup/", views.programme_create, name="programme_create"),
    path("reporting/<int:pk>/settings/", views.system_settings, name="settings"),
    path("reporting/<int:pk>/queue/", views.queue, name="queue"),
    path("incident-reports/<int:pk>/", views.report_detail, name="detail"),
    path("incident-reports/<int:pk>/triage/", views.report_triage, name="triage"),
    path("incident-reports/<int:pk>/check/", views.report_check, name="check"),
    path("incident-reports/<int:pk>/publish/", views.report_publish, name="publish"),
    path("incident-reports/<int:pk>/ask/", views.report_ask, name="ask"),
]
