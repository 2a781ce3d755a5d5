from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("m/<int:pk>/actions/", views.action_list, name="list"),
    path("m/<int:pk>/actions/new/", views.action_create, name="create"),
    path("m/<int:pk>/actions/export.csv", views.export, name="export"),
    path("m/<int:pk>/actions/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("m/<int:pk>/actions/import/", views.import_plan, name="import"),
    path("p/<slug:slug>/actions/", views.programme_overview, name="programme"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path("actions/<int:pk>/progress/", views.action_progress, name="progress"),
    path("actions/<int:pk>/move/", views.action_move, name="move"),
]
