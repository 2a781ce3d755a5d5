from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("waves/<int:pk>/reports/", views.report_list, name="list"),
    path("waves/<int:pk>/reports/new/", views.report_create, name="create"),
    path("waves/<int:pk>/texts/", views.texts, name="texts"),
    path("reports/<int:report_pk>/", views.report_status, name="status"),
    path("reports/<int:report_pk>/download/", views.report_download, name="download"),
    path("reports/<int:report_pk>/retry/", views.report_retry, name="retry"),
]
