from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("m/<int:pk>/network/", views.network, name="network"),
    path("m/<int:pk>/network/relations/", views.relation_add, name="relation_add"),
    path("m/<int:pk>/network/relations/<int:relation_pk>/", views.relation, name="relation"),
    path("m/<int:pk>/network/relations/<int:relation_pk>/agreement/", views.agreement,
         name="agreement"),
    path("m/<int:pk>/network/relations/<int:relation_pk>/delete/", views.relation_delete,
         name="relation_delete"),
    path("m/<int:pk>/network/contacts/", views.contact_add, name="contact_add"),
    path("m/<int:pk>/network/contacts/<int:contact_pk>/delete/", views.contact_delete,
         name="contact_delete"),
]
