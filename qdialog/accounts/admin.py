import allauth.socialaccount.admin  # noqa: F401  (registers allauth's models, changed below)
from allauth.socialaccount.models import SocialApp, SocialToken
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qdialog.tenancy.models import Membership

from . import services
from .forms import SignOnConnectionForm
from .models import SignOnConnection, User

# allauth's own pages for its apps and tokens would show the client secret: connections are
# kept as qdialog's SignOnConnection, which generates the SocialApp (accounts/services.py).
# The links of accounts to providers (SocialAccount) stay, so an operator can remove one.
for _model in (SocialApp, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["programme", "cluster", "municipality", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["display_name", "preferred_language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(SignOnConnection)
class SignOnConnectionAdmin(admin.ModelAdmin):
    """Single sign-on per programme or municipality (docs/sso.md). Every change goes through
    accounts/services.py and is audited; the client secret is write-only."""

    form = SignOnConnectionForm
    list_display = ["name", "programme", "municipality", "domains_shown", "local_passwords_off",
                    "is_active"]
    list_filter = ["is_active", "local_passwords_off", "programme"]
    search_fields = ["name", "slug", "domains__domain"]
    autocomplete_fields = ["programme", "municipality"]
    readonly_fields = ["redirect_uri"]
    fieldsets = [
        (None, {"fields": ["programme", "municipality", "name", "slug"]}),
        (_("Identity provider"), {"fields": ["issuer", "client_id", "client_secret",
                                             "redirect_uri"]}),
        (_("Who signs on"), {"fields": ["domain_list", "local_passwords_off", "is_active"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "programme", "municipality").prefetch_related("domains")

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "redirect_uri"] if obj is not None else ["redirect_uri"]

    @admin.display(description=_("e-mail domains"))
    def domains_shown(self, obj):
        return ", ".join(d.domain for d in obj.domains.all())

    @admin.display(description=_("redirect URI to register at the identity provider"))
    def redirect_uri(self, obj):
        if obj is None or not obj.slug:
            return _("shown once the connection is saved")
        path = reverse("openid_connect_callback", kwargs={"provider_id": obj.slug})
        return settings.QDIALOG_BASE_URL.rstrip("/") + path

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.FIELDS if name in data}
        if change:
            services.sign_on_connection_update(
                actor=request.user, connection=SignOnConnection.objects.get(pk=obj.pk),
                fields=fields, domains=data["domain_list"], secret=data["client_secret"])
        else:
            created = services.sign_on_connection_create(
                actor=request.user, fields=fields, domains=data["domain_list"],
                secret=data["client_secret"])
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # the domains are saved by the service

    def delete_model(self, request, obj):
        services.sign_on_connection_delete(actor=request.user, connection=obj)

    def delete_queryset(self, request, queryset):
        for connection in queryset:
            services.sign_on_connection_delete(actor=request.user, connection=connection)
        messages.info(request, _("The links of accounts to these identity providers were "
                                 "removed; the accounts stay."))
