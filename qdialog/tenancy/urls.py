from django.urls import path

from . import views

app_name = "tenancy"

urlpatterns = [
    path("p/<slug:slug>/", views.programme_detail, name="programme"),
    path("p/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("p/<slug:slug>/invite/", views.programme_invite, name="programme_invite"),
    path("p/<slug:slug>/audit/", views.programme_audit, name="programme_audit"),
    path("p/<slug:slug>/clusters/new/", views.cluster_create, name="cluster_create"),
    path("p/<slug:slug>/clusters/<int:number>/", views.cluster_detail, name="cluster"),
    path("p/<slug:slug>/clusters/<int:number>/edit/", views.cluster_edit, name="cluster_edit"),
    path("p/<slug:slug>/municipalities/new/", views.municipality_create,
         name="municipality_create"),
    path("m/<int:pk>/", views.municipality_detail, name="municipality"),
    path("m/<int:pk>/edit/", views.municipality_edit, name="municipality_edit"),
    path("m/<int:pk>/audit/", views.municipality_audit, name="municipality_audit"),
    path("m/<int:pk>/organisations/", views.organisation_list, name="organisations"),
    path("m/<int:pk>/organisations/new/", views.organisation_create, name="organisation_create"),
    path("m/<int:pk>/organisations/<int:org_pk>/edit/", views.organisation_edit,
         name="organisation_edit"),
    path("m/<int:pk>/organisations/<int:org_pk>/delete/", views.organisation_delete,
         name="organisation_delete"),
    path("m/<int:pk>/members/", views.member_list, name="members"),
    path("m/<int:pk>/members/invite/", views.member_invite, name="member_invite"),
    path("m/<int:pk>/members/<int:membership_pk>/remove/", views.member_remove,
         name="member_remove"),
]
