from django.urls import path

from . import views

app_name = "casereviews"

urlpatterns = [
    path("m/<int:pk>/case-reviews/", views.review_list, name="list"),
    path("m/<int:pk>/case-reviews/new/", views.review_create, name="create"),
    path("m/<int:pk>/case-reviews/learning/", views.learning_municipality,
         name="learning_municipality"),
    path("c/<int:pk>/case-reviews/learning/", views.learning_cluster, name="learning_cluster"),
    path("p/<slug:slug>/case-reviews/learning/", views.learning_programme,
         name="learning_programme"),
    path("case-reviews/<int:pk>/", views.review_detail, name="detail"),
    path("case-reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("case-reviews/<int:pk>/add/<str:kind>/", views.part_form, name="part_add"),
    path("case-reviews/<int:pk>/<str:kind>/<int:item_pk>/", views.part_form, name="part_edit"),
    path("case-reviews/<int:pk>/<str:kind>/<int:item_pk>/delete/", views.part_delete,
         name="part_delete"),
    path("case-reviews/<int:pk>/episodes/<int:episode_pk>/factors/", views.factor_form,
         name="factor_add"),
    path("case-reviews/<int:pk>/factors/<int:factor_pk>/delete/", views.factor_delete,
         name="factor_delete"),
    path("case-reviews/<int:pk>/advance/", views.advance, name="advance"),
    path("case-reviews/<int:pk>/redact/", views.redact, name="redact"),
    path("case-reviews/<int:pk>/publish/", views.publish, name="publish"),
    path("case-reviews/<int:pk>/summary.pdf", views.summary_export, {"fmt": "pdf"},
         name="summary_pdf"),
    path("case-reviews/<int:pk>/summary.docx", views.summary_export, {"fmt": "docx"},
         name="summary_docx"),
    path("identifiers/check/", views.identifiers, name="identifiers"),
]
