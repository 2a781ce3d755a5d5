from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("waves/<int:pk>/results/", views.results, name="results"),
]
