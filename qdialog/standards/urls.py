from django.urls import path

from . import views

app_name = "standards"

urlpatterns = [
    path("m/<int:pk>/standards/", views.catalogue, name="catalogue"),
    path("m/<int:pk>/standards/new/", views.standard_create, name="create"),
    path("m/<int:pk>/standards/copy/<int:template_pk>/", views.copy, name="copy"),
    path("m/<int:pk>/concept/", views.concept, name="concept"),
    path("m/<int:pk>/concept.pdf", views.concept_export, {"fmt": "pdf"}, name="concept_pdf"),
    path("m/<int:pk>/concept.docx", views.concept_export, {"fmt": "docx"},
         name="concept_docx"),
    path("standards/<int:pk>/", views.standard_detail, name="detail"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="edit"),
    path("standards/<int:pk>/comment/", views.comment, name="comment"),
    path("standards/<int:pk>/amend/", views.amend, name="amend"),
    path("standards/<int:pk>/amendments/<int:amendment_pk>/decide/", views.decide,
         name="decide"),
    path("standards/<int:pk>/rate/", views.rate, name="rate"),
    path("standards/<int:pk>/status/", views.set_status, name="status"),
    path("standards/<int:pk>/indicators/", views.add_indicator, name="indicator_add"),
    path("standards/<int:pk>/versions/<int:number>/", views.version, name="version"),
]
