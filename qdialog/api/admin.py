from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the command line (`qdialog api-token`); here they are revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_on", "expires_on"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_on"]

    def has_add_permission(self, request):
        return False
