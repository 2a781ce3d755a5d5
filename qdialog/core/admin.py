from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited, not even by operators."""

    list_display = ["at", "actor_label", "action", "object_repr", "programme", "municipality"]
    list_filter = ["action", "programme"]
    search_fields = ["actor_label", "object_repr", "summary"]
    list_select_related = ["programme", "municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
