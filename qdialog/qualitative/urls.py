"""Pages of the qualitative analysis. The analysis, exchange (REFI-QDA) and material pages keep
their routes beside their views (urls_*.py); all share the namespace "qualitative"."""

from django.urls import path

from . import urls_analysis, urls_exchange, urls_material, views, views_coding

app_name = "qualitative"

urlpatterns = [
    path("p/<slug:slug>/qualitative/", views.programme_index, name="programme"),
    path("m/<int:pk>/qualitative/", views.municipality_index, name="municipality"),
    path("p/<slug:slug>/qualitative/new/", views.project_create, name="project_create"),
    path("p/<slug:slug>/qualitative/systems/new/", views.system_create, name="system_create"),
    path("qualitative/systems/<int:pk>/", views.system_detail, name="system"),
    path("qualitative/systems/<int:pk>/codes/new/", views.code_create, name="code_create"),
    path("qualitative/codes/<int:pk>/", views.code_edit, name="code"),
    path("qualitative/codes/<int:pk>/merge/", views.code_merge, name="code_merge"),
    path("qualitative/codes/<int:pk>/split/", views.code_split, name="code_split"),
    path("qualitative/projects/<int:pk>/", views.project_detail, name="project"),
    path("qualitative/projects/<int:pk>/settings/", views.project_settings,
         name="project_settings"),
    path("qualitative/projects/<int:pk>/memos/", views.memo_add, name="memo_add"),
    path("qualitative/projects/<int:pk>/double/", views.documents_double,
         name="documents_double"),
    path("qualitative/memos/<int:pk>/", views.memo_edit, name="memo"),
    path("qualitative/memos/<int:pk>/delete/", views.memo_delete, name="memo_delete"),
    path("qualitative/documents/<int:pk>/", views_coding.document, name="document"),
    path("qualitative/documents/<int:pk>/settings/", views_coding.document_settings,
         name="document_settings"),
    path("qualitative/documents/<int:pk>/findings/", views_coding.findings, name="findings"),
    path("qualitative/documents/<int:pk>/code/", views_coding.coding_add, name="coding_add"),
    path("qualitative/documents/<int:pk>/finish/", views_coding.finish, name="finish"),
    path("qualitative/documents/<int:pk>/consensus/", views_coding.consensus, name="consensus"),
    path("qualitative/codings/<int:pk>/", views_coding.coding_edit, name="coding"),
    path("qualitative/codings/<int:pk>/comment/", views_coding.comment_from,
         name="comment_from"),
    path("qualitative/projects/<int:pk>/agreement/", views_coding.agreement, name="agreement"),
] + urls_analysis.urlpatterns + urls_exchange.urlpatterns + urls_material.urlpatterns

