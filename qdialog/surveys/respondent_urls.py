"""The respondents' addresses alone (QDIALOG_RESPONDENT_URLCONF): a request to `/s/…` is matched
against these four patterns instead of every pattern of the site (core/lean.py). The names
stay those of the full site ("surveys:answer"), and addresses are still built from it."""

from django.urls import include, path

from .urls import app_name, respondent_urlpatterns

urlpatterns = [path("", include((respondent_urlpatterns, app_name)))]
