"""Routes of the exchange pages (namespace "qualitative", included by urls.py)."""

from django.urls import path

from . import views_exchange

urlpatterns: list = [
    path("qualitative/projects/<int:pk>/exchange/", views_exchange.exchange, name="exchange"),
    path("qualitative/projects/<int:pk>/exchange/project.qdpx", views_exchange.export_qdpx,
         name="export_qdpx"),
    path("qualitative/projects/<int:pk>/exchange/import/", views_exchange.import_qdpx,
         name="import_qdpx"),
    path("qualitative/systems/<int:pk>/codebook.qdc", views_exchange.export_qdc,
         name="export_qdc"),
    path("qualitative/systems/<int:pk>/codebook/import/", views_exchange.import_qdc,
         name="import_qdc"),
]
