from django.contrib import admin

from .models import Cluster, Membership, Municipality, Organisation, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_on", "ends_on"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "programme"]
    list_filter = ["programme"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "cluster", "cluster_role", "evaluation_mode", "state"]
    list_filter = ["programme", "cluster_role", "evaluation_mode", "state"]
    search_fields = ["name"]
    list_select_related = ["programme", "cluster"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "professional_system", "municipality", "programme"]
    list_filter = ["programme", "professional_system"]
    search_fields = ["name"]
    list_select_related = ["programme", "municipality"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "programme", "cluster", "municipality", "organisation"]
    list_filter = ["programme", "role"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user", "programme", "cluster", "municipality", "organisation"]
    list_select_related = ["user", "programme", "cluster", "municipality", "organisation"]
