from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("waves/<int:pk>/results/", views.results, name="results"),
    path("waves/<int:pk>/compare/<int:other_pk>/", views.compare, name="compare"),
    path("waves/<int:pk>/benchmark/", views.benchmark_view, name="benchmark"),
    path("waves/<int:pk>/overview/", views.overview_view, name="overview"),
]
