"""Routes of the analysis pages (namespace "qualitative", included by urls.py)."""

from django.urls import path

from . import views_analysis

urlpatterns: list = [
    path("qualitative/projects/<int:pk>/passages/", views_analysis.retrieval, name="retrieval"),
    path("qualitative/projects/<int:pk>/frequencies/", views_analysis.frequencies,
         name="frequencies"),
    path("qualitative/projects/<int:pk>/frequencies.svg", views_analysis.frequencies_chart,
         name="frequencies_chart"),
    path("qualitative/projects/<int:pk>/cooccurrence.svg", views_analysis.cooccurrence_chart,
         name="cooccurrence_chart"),
]
