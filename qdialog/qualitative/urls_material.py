"""Routes of the material pages (namespace "qualitative", included by urls.py)."""

from django.urls import path

from . import views_material

urlpatterns: list = [
    path("qualitative/projects/<int:pk>/material/", views_material.material_page,
         name="material"),
    path("qualitative/projects/<int:pk>/material/upload/", views_material.upload,
         name="upload"),
]
