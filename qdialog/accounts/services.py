"""Writes of the accounts app: sign-on connections (single sign-on, accounts/sso.py).

Each connection generates allauth's SocialApp (provider `openid_connect`, provider_id = the
connection's short name) that allauth's log-in and callback views read. The client secret is
stored there only, sealed with a key derived from SECRET_KEY (core/sealing.py); it is never
returned, shown or written to the audit log – its change is recorded as "client secret
replaced"."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.db import transaction
from django.utils.translation import gettext_noop

from qdialog.core import sealing
from qdialog.core.audit import diff, log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note

from .models import SignOnConnection, SignOnDomain

PROVIDER = "openid_connect"
#: what an operator edits; the secret and the domains are passed on their own
FIELDS = ("programme", "municipality", "name", "slug", "issuer", "client_id",
          "local_passwords_off", "is_active")
#: SocialApp.name holds at most 40 characters; the full name is the connection's
APP_NAME_LENGTH = 40


def _app_settings(connection: SignOnConnection) -> dict:
    return {"server_url": connection.issuer.rstrip("/")}


def _sync_app(connection: SignOnConnection, secret: str | None) -> SocialApp:
    app = connection.social_app if connection.social_app_id else SocialApp(provider=PROVIDER)
    app.provider = PROVIDER
    app.provider_id = connection.slug
    app.name = connection.name[:APP_NAME_LENGTH]
    app.client_id = connection.client_id
    if secret:
        app.secret = sealing.seal(secret)  # opened only in memory, by the adapter's list_apps
    app.settings = _app_settings(connection)
    app.save()
    return app


def _sync_domains(connection: SignOnConnection, domains: list[str]) -> None:
    connection.domains.exclude(domain__in=domains).delete()
    have = set(connection.domains.values_list("domain", flat=True))
    SignOnDomain.objects.bulk_create(
        [SignOnDomain(connection=connection, domain=d) for d in domains if d not in have])


def _snapshot(connection: SignOnConnection) -> dict:
    return {name: getattr(connection, name) for name in FIELDS}


@transaction.atomic
def sign_on_connection_create(*, actor, fields: dict, domains: list[str],
                              secret: str) -> SignOnConnection:
    """Set up a connection for `domains` (normalised, not covered by another connection: the
    form checks, the unique constraint holds) with its SocialApp."""
    connection = SignOnConnection(**{k: v for k, v in fields.items() if k in FIELDS})
    connection.full_clean(exclude=["social_app"])
    connection.social_app = _sync_app(connection, secret)
    connection.save()
    _sync_domains(connection, domains)
    log_action(actor=actor, action=AuditAction.CREATE, obj=connection,
               summary=note(gettext_noop("sign-on connection for %(domains)s"),
                            domains=", ".join(sorted(domains))))
    return connection


@transaction.atomic
def sign_on_connection_update(*, actor, connection: SignOnConnection, fields: dict,
                              domains: list[str], secret: str | None = None) -> dict:
    """Change a connection; an empty `secret` keeps the stored one. The short name stays as it
    was created (the identity provider knows the redirect address made from it)."""
    fields = {k: v for k, v in fields.items() if k in FIELDS and k != "slug"}
    before = {**_snapshot(connection), "domains": ", ".join(connection.domain_names)}
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.full_clean(exclude=["social_app"])
    connection.save()
    _sync_app(connection, secret)
    _sync_domains(connection, domains)
    after = {**_snapshot(connection), "domains": ", ".join(sorted(domains))}
    changes = diff(before, after)
    secret_replaced = bool(secret)
    if changes or secret_replaced:
        log_action(actor=actor, action=AuditAction.UPDATE, obj=connection, changes=changes,
                   summary=note(gettext_noop("client secret replaced"))
                   if secret_replaced else None)
    return changes


@transaction.atomic
def sign_on_connection_delete(*, actor, connection: SignOnConnection) -> None:
    """Remove a connection, its SocialApp and the links of accounts to its provider; the
    accounts themselves stay (with their memberships)."""
    log_action(actor=actor, action=AuditAction.DELETE, obj=connection,
               summary=note(gettext_noop("sign-on connection for %(domains)s"),
                            domains=", ".join(connection.domain_names)))
    app = connection.social_app
    SocialAccount.objects.filter(provider=connection.slug).delete()
    connection.delete()
    app.delete()


def sign_on_secrets_reseal(*, actor=None) -> int:
    """Seal every connection's client secret with the current SECRET_KEY (after a rotation);
    raises sealing.Unreadable, changing nothing, if one cannot be opened (the caller's
    transaction). Each connection's audit log records it, never the secret."""
    count = 0
    for connection in (SignOnConnection.objects.exclude(social_app=None)
                       .select_related("social_app")):
        app = connection.social_app
        if app.secret:
            app.secret = sealing.reseal(app.secret)
            app.save(update_fields=["secret"])
            log_action(actor=actor, action=AuditAction.UPDATE, obj=connection,
                       summary=note(gettext_noop("client secret sealed with the current key")))
            count += 1
    return count
