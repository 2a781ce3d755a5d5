"""Single sign-on through a tenant's identity provider (OpenID Connect, docs/sso.md): the
operator's connection, the log-in page, local passwords off, and the sign-on itself against a
real provider (tests/oidc_provider, django-oauth-toolkit in its own process)."""

from __future__ import annotations

import io
import logging

import pytest
from allauth.account.forms import default_token_generator
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from qdialog.accounts import services, sso
from qdialog.accounts.models import SignOnConnection, SignOnDomain, User
from qdialog.core import sealing
from qdialog.core.models import AuditEntry
from qdialog.tenancy.models import Membership, Role
from tests.conftest import PASSWORD, make_user
from tests.oidc_provider.flows import (
    DOMAIN,
    NAME,
    PEOPLE,
    SLUG,
    callback_uri,
    make_connection,
    sso_log_in,
)
from tests.oidc_provider.harness import running_provider


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("idp"), people=PEOPLE,
                          redirect_uris=[callback_uri("http://testserver")]) as running:
        yield running


@pytest.fixture
def operator(db):
    user = make_user("betrieb@qdialog.example", "Olga Betrieb")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def mia(world):
    """A coordinator of M1 whose address the connection covers."""
    user = make_user(f"mia@{DOMAIN}", "Mia Musterfrau")
    Membership.objects.create(user=user, role=Role.MUNICIPAL_COORDINATOR, programme=world.a,
                              municipality=world.m1)
    return user


@pytest.fixture
def connection(world, operator, provider):
    return make_connection(actor=operator, programme=world.a, municipality=world.m1,
                           provider=provider)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


# --- domains and the connection -------------------------------------------------------------

def test_domains_are_normalised():
    assert sso.parse_domains(" Musterstadt.DE\n@kreis-beispiel.de, münchen.de;musterstadt.de") \
        == ["musterstadt.de", "kreis-beispiel.de", "xn--mnchen-3ya.de"]
    assert sso.domain_of("Mia@MusterStadt.de") == "musterstadt.de"
    assert sso.domain_of("no address") is None and sso.domain_of("a@b@c.de") is None


@pytest.mark.parametrize("bad", ["localhost", "-bad.de", "a..b.de", "x@y.de", "bad_.de",
                                 "toolong" + "a" * 60 + ".de", "musterstadt.123", ""])
def test_bad_domains_are_refused(bad):
    with pytest.raises(ValidationError):
        sso.parse_domains(bad)


def test_the_connection_generates_allauths_app_and_every_change_is_audited(
        world, operator, connection, provider):
    app = connection.social_app
    assert (app.provider, app.provider_id, app.client_id) == (
        "openid_connect", SLUG, provider.client_id)
    assert sealing.unseal(app.secret) == provider.client_secret
    assert app.settings == {"server_url": provider.url}
    created = AuditEntry.objects.get(action="create", object_id=str(connection.pk),
                                     content_type__model="signonconnection")
    assert (created.actor, created.programme, created.municipality) == (
        operator, world.a, world.m1)
    assert DOMAIN in created.summary

    changes = services.sign_on_connection_update(
        actor=operator, connection=connection,
        fields={"name": "Neu", "local_passwords_off": True, "slug": "changed"},
        domains=[DOMAIN, "kreis.example"], secret="a-new-secret-value")
    connection.refresh_from_db()
    app.refresh_from_db()
    assert connection.slug == SLUG  # the redirect address stays
    assert sealing.unseal(app.secret) == "a-new-secret-value" and app.name == "Neu"
    assert changes["domains"] == [DOMAIN, f"kreis.example, {DOMAIN}"]
    assert changes["local_passwords_off"] == [False, True]
    updated = AuditEntry.objects.filter(action="update",
                                        content_type__model="signonconnection").get()
    assert updated.summary == "client secret replaced"
    everything = " ".join(f"{e.summary} {e.changes} {e.params}" for e in AuditEntry.objects.all())
    assert "a-new-secret-value" not in everything and provider.client_secret not in everything

    SocialAccount.objects.create(user=make_user(f"x@{DOMAIN}"), provider=SLUG, uid="1")
    services.sign_on_connection_delete(actor=operator, connection=connection)
    assert not SocialApp.objects.exists() and not SocialAccount.objects.exists()
    assert not SignOnDomain.objects.exists()
    assert AuditEntry.objects.filter(action="delete", programme=world.a).exists()


def test_a_municipality_of_another_programme_is_refused(world, operator, provider):
    with pytest.raises(ValidationError):
        make_connection(actor=operator, programme=world.a, municipality=world.mb,
                        provider=provider)


# --- the admin site ---------------------------------------------------------------------------

def _admin(operator):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(operator)
    return client


def _form(world, provider, **changes):
    data = {"programme": world.a.pk, "municipality": world.m1.pk, "name": NAME, "slug": SLUG,
            "issuer": provider.url + "/.well-known/openid-configuration",
            "client_id": provider.client_id, "client_secret": provider.client_secret,
            "domain_list": f"{DOMAIN}\nKreis.Example", "is_active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_operator_sets_up_a_connection_in_the_admin_site(world, operator, provider, caplog):
    client = _admin(operator)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/admin/accounts/signonconnection/add/", _form(world, provider))
    assert response.status_code == 302, response.content.decode()[:3000]
    connection = SignOnConnection.objects.get()
    assert connection.issuer == provider.url  # the discovery suffix is dropped
    assert connection.domain_names == ["kreis.example", DOMAIN]
    assert sealing.unseal(connection.social_app.secret) == provider.client_secret
    assert AuditEntry.objects.filter(action="create", actor=operator,
                                     programme=world.a).exists()
    assert provider.client_secret not in caplog.text

    page = client.get(f"/admin/accounts/signonconnection/{connection.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and provider.client_secret not in html
    assert callback_uri("http://127.0.0.1:8000") in html  # what to register at the provider
    listing = client.get("/admin/accounts/signonconnection/").content.decode()
    assert NAME in listing and provider.client_secret not in listing
    # allauth's own pages, which would show the secret, are not offered
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404

    # changing without a secret keeps the stored one
    data = _form(world, provider, client_secret="", local_passwords_off="on")
    data.pop("slug")
    assert client.post(f"/admin/accounts/signonconnection/{connection.pk}/change/",
                       data).status_code == 302
    connection.refresh_from_db()
    assert connection.local_passwords_off
    assert sealing.unseal(connection.social_app.secret) == provider.client_secret


@pytest.mark.parametrize("changes, message", [
    ({"domain_list": "musterstadt.example\nnot a domain"}, "is not a valid e-mail domain"),
    ({"domain_list": ""}, "This field is required"),
    ({"issuer": "http://idp.example.org/realms/x"}, "must start with https://"),
    ({"issuer": "no url"}, "Enter a valid URL"),
    ({"client_secret": ""}, "Enter the client secret"),
    ({"slug": "nicht gültig"}, "valid"),
    ({"municipality": "999999"}, "Select a valid choice"),
])
def test_bad_input_in_the_admin_form_is_refused_and_kept(world, operator, provider, changes,
                                                         message):
    response = _admin(operator).post("/admin/accounts/signonconnection/add/",
                                     _form(world, provider, **changes))
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert NAME in html  # what was typed is shown again …
    assert provider.client_secret not in html  # … except the secret
    assert not SignOnConnection.objects.exists()


def test_a_domain_belongs_to_one_connection(world, operator, provider, connection):
    response = _admin(operator).post("/admin/accounts/signonconnection/add/",
                                     _form(world, provider, slug="zweite", domain_list=DOMAIN))
    assert f"{DOMAIN} is already covered by" in response.content.decode()
    assert SignOnConnection.objects.count() == 1


# --- the log-in page --------------------------------------------------------------------------

def test_the_log_in_page_offers_single_sign_on_only_when_a_connection_exists(
        world, operator, provider):
    client = Client(headers={"Accept-Language": "en"})
    assert "Continue with single sign-on" not in client.get("/accounts/login/").content.decode()
    make_connection(actor=operator, programme=world.a, provider=provider)
    assert "Continue with single sign-on" in client.get("/accounts/login/").content.decode()


def test_an_address_of_a_covered_domain_is_sent_to_its_sign_on(connection):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post("/accounts/login/", {"login": f"Mia@{DOMAIN.upper()}",
                                                "sign_on": "1", "next": "/p/alpha/"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/sso/{SLUG}/?login_hint=Mia")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and f"Log in with {NAME}" in html
    assert f'action="/accounts/oidc/{SLUG}/login/?auth_params=login_hint' in html
    assert 'name="next" value="/p/alpha/"' in html
    assert connection.issuer in page["Content-Security-Policy"]  # the redirect may leave
    # a plain visit of allauth's start address shows the same offer
    assert client.get(f"/accounts/oidc/{SLUG}/login/")["Location"] == f"/accounts/sso/{SLUG}/"


def test_an_address_without_a_connection_is_told_to_use_its_password(connection):
    response = Client(headers={"Accept-Language": "en"}).post(
        "/accounts/login/", {"login": "mia@example.org", "sign_on": "1"})
    assert response.status_code == 400
    assert "Single sign-on is not set up for this e-mail address" in response.content.decode()


def test_an_inactive_connection_is_not_offered(world, operator, provider):
    make_connection(actor=operator, programme=world.a, provider=provider, is_active=False)
    client = Client()
    assert client.get(f"/accounts/sso/{SLUG}/").status_code == 404
    assert client.post(f"/accounts/oidc/{SLUG}/login/", {"process": "login"}).status_code == 404
    assert sso.connection_for_email(f"mia@{DOMAIN}") is None


def test_a_foreign_next_address_is_dropped(connection):
    response = Client().post("/accounts/login/", {"login": f"mia@{DOMAIN}", "sign_on": "1",
                                                  "next": "https://evil.example/"})
    assert "evil" not in response["Location"]


# --- local passwords off ----------------------------------------------------------------------

@pytest.fixture
def passwords_off(connection, operator):
    services.sign_on_connection_update(actor=operator, connection=connection,
                                       fields={"local_passwords_off": True},
                                       domains=[DOMAIN])
    return connection


def test_with_local_passwords_on_the_password_still_works(mia, connection):
    client = Client()
    response = client.post("/accounts/login/", {"login": mia.email, "password": PASSWORD})
    assert response.status_code == 302 and _logged_in_as(client) == str(mia.pk)


def test_local_passwords_off_refuses_the_password_log_in(mia, passwords_off):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post("/accounts/login/", {"login": mia.email, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 400 and not _logged_in_as(client)
    assert "a password cannot be used for your address" in html
    assert f"Log in with {NAME}" in html and f"/accounts/sso/{SLUG}/" in html
    # an address of the domain without an account reads the same (nothing to enumerate)
    other = client.post("/accounts/login/", {"login": f"nobody@{DOMAIN}", "password": "x" * 12})
    assert other.status_code == 400
    assert "a password cannot be used for your address" in other.content.decode()


def test_the_admin_login_is_no_way_around(mia, passwords_off):
    client = Client(headers={"Accept-Language": "en"})
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302 and login["Location"].startswith("/accounts/login/")
    response = client.post(login["Location"], {"login": mia.email, "password": PASSWORD})
    assert response.status_code == 400 and not _logged_in_as(client)


def test_local_passwords_off_refuses_the_password_reset(mia, passwords_off):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post("/accounts/password/reset/", {"email": mia.email})
    html = response.content.decode()
    assert response.status_code == 400 and "a password cannot be used" in html
    assert f"/accounts/sso/{SLUG}/" in html
    assert mail.outbox == []


def test_a_reset_or_invitation_link_sets_no_password(mia, passwords_off):
    from allauth.account.utils import user_pk_to_url_str

    client = Client(headers={"Accept-Language": "en"})
    url = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(mia), "key": default_token_generator.make_token(mia)})
    response = client.get(url, follow=True)
    assert "a password cannot be used for your address" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    refused = client.post(form_url, {"password1": "a new password 123",
                                     "password2": "a new password 123"})
    assert refused.status_code == 403
    mia.refresh_from_db()
    assert mia.check_password(PASSWORD)


def test_changing_or_setting_a_password_is_refused_for_a_sign_on_account(mia, passwords_off):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(mia)
    for path in ("/accounts/password/change/", "/accounts/password/set/"):
        response = client.post(path, {"oldpassword": PASSWORD, "password1": "n3w password x",
                                      "password2": "n3w password x"})
        assert response.status_code == 403, path
    mia.refresh_from_db()
    assert mia.check_password(PASSWORD)


def test_operators_keep_their_password(world, passwords_off):
    operator = make_user(f"betrieb@{DOMAIN}", "Betrieb")
    operator.is_staff = True
    operator.save()
    client = Client()
    assert client.post("/accounts/login/", {"login": operator.email,
                                            "password": PASSWORD}).status_code == 302


def test_a_wrong_password_does_not_tell_operators_from_others(mia, world, passwords_off):
    """In a domain without local passwords only operators keep one. A wrong password for an
    operator's address must read like any try for the domain – a person's, a non-existent
    address's – or the answers would list the operator accounts."""
    from qdialog.core import ratelimit

    operator = make_user(f"betrieb@{DOMAIN}", "Betrieb")
    operator.is_staff = True
    operator.save()

    def attempt(email):
        client = Client(headers={"Accept-Language": "en"}, REMOTE_ADDR="10.9.9.9")
        response = client.post("/accounts/login/", {"login": email, "password": "wrong" * 3})
        assert not _logged_in_as(client)
        page = response.content.decode()
        return response.status_code, page.count("a password cannot be used for your address")

    answers = {email: attempt(email) for email in (operator.email, mia.email,
                                                   f"nobody@{DOMAIN}")}
    assert len(set(answers.values())) == 1, answers
    assert answers[operator.email] == (400, 1)
    # every one of them counted as a failed log-in from the address (the spraying limit)
    request = type("R", (), {"META": {"REMOTE_ADDR": "10.9.9.9"}})()
    assert ratelimit.count("login-failed", request) == 3
    # the operator's right password still logs in
    client = Client()
    assert client.post("/accounts/login/", {"login": operator.email,
                                            "password": PASSWORD}).status_code == 302


# --- the sign-on against the real provider ----------------------------------------------------

def test_an_existing_account_signs_on(mia, connection, world):
    client = Client(headers={"Accept-Language": "en"})
    response = sso_log_in(client, "mia")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _logged_in_as(client) == str(mia.pk)
    assert client.session[sso.SESSION_KEY] == SLUG
    link = SocialAccount.objects.get(user=mia)
    assert link.provider == SLUG
    entry = AuditEntry.objects.filter(action="login", actor=mia).latest("at")
    assert entry.summary == f"logged in through {NAME}"
    home = client.get("/")
    assert home.status_code == 200 and "Landkreis Eins" in home.content.decode()
    # no membership, no account is created; the next sign-on finds the link
    assert Membership.objects.filter(user=mia).count() == 1
    client.post("/accounts/logout/")
    assert sso_log_in(client, "mia").status_code == 302
    assert _logged_in_as(client) == str(mia.pk) and SocialAccount.objects.count() == 1


@pytest.mark.parametrize("username, why", [
    ("unverified", "has not confirmed your e-mail address"),
    ("noclaim", "has not confirmed your e-mail address"),
    ("stringfalse", "has not confirmed your e-mail address"),
    ("elsewhere", "does not belong to the organisations this sign-on serves"),
    ("nobody", "There is no qdialog account for your e-mail address"),
])
def test_a_sign_on_that_may_not_log_in_is_refused(world, connection, username, why, caplog):
    for key in ("unverified", "noclaim", "stringfalse"):
        make_user(PEOPLE[key]["email"])
    make_user(PEOPLE["elsewhere"]["email"])  # an account exists, but not of this connection
    users = User.objects.count()
    client = Client(headers={"Accept-Language": "en"})
    with caplog.at_level(logging.WARNING, logger="qdialog.accounts.sso"):
        response = sso_log_in(client, username)
    assert response.status_code == 403 and why in response.content.decode()
    assert not _logged_in_as(client)
    assert User.objects.count() == users and not SocialAccount.objects.exists()
    assert "sign-on refused" in caplog.text


def test_a_verified_claim_sent_as_text_counts(world, connection):
    user = make_user(PEOPLE["stringtrue"]["email"])
    client = Client()
    assert sso_log_in(client, "stringtrue").status_code == 302
    assert _logged_in_as(client) == str(user.pk)


def test_an_operator_account_never_signs_on(world, connection):
    operator = make_user(PEOPLE["operator"]["email"])
    operator.is_staff = True
    operator.save()
    client = Client(headers={"Accept-Language": "en"})
    response = sso_log_in(client, "operator")
    assert response.status_code == 403 and "Operator accounts log in with" in \
        response.content.decode()
    assert not _logged_in_as(client)


def test_an_address_linked_to_another_identity_is_refused(mia, connection):
    SocialAccount.objects.create(user=mia, provider=SLUG, uid="someone-else")
    client = Client()
    assert sso_log_in(client, "mia").status_code == 403
    assert not _logged_in_as(client)


def test_a_link_whose_account_changed_its_address_is_refused(mia, connection):
    assert sso_log_in(Client(), "mia").status_code == 302
    mia.email = "mia.musterfrau@example.org"
    mia.save()
    client = Client()
    assert sso_log_in(client, "mia").status_code == 403 and not _logged_in_as(client)


def test_an_inactive_account_is_refused(mia, connection):
    mia.is_active = False
    mia.save()
    client = Client()
    assert sso_log_in(client, "mia").status_code == 403 and not _logged_in_as(client)


def test_a_sign_on_session_needs_no_totp_of_qdialogs(mia, connection, settings):
    settings.QDIALOG_REQUIRE_MFA = True
    client = Client()
    assert sso_log_in(client, "mia").status_code == 302
    assert client.get("/").status_code == 200
    # the same coordinator logging in with the password is sent to set up TOTP
    client = Client()
    client.post("/accounts/login/", {"login": mia.email, "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_an_account_that_only_signs_on_needs_no_totp_of_qdialogs(mia, passwords_off, settings):
    from qdialog.accounts.mfa import mfa_missing

    settings.QDIALOG_REQUIRE_MFA = True
    assert not mfa_missing(mia)
    passwords_off.is_active = False
    passwords_off.save()
    assert mfa_missing(mia)


def test_the_secret_is_not_logged_during_a_sign_on(mia, connection, provider, caplog):
    with caplog.at_level(logging.DEBUG):
        assert sso_log_in(Client(), "mia").status_code == 302
    assert provider.client_secret not in caplog.text


def test_the_database_holds_the_client_secret_only_sealed(connection, provider, settings):
    """A copy of the database or a backup without SECRET_KEY does not give the secret away;
    the log-in reads it through the adapter, in memory only."""
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT secret FROM socialaccount_socialapp")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(sealing.is_sealed(value) for value in stored)
    assert not any(provider.client_secret in value for value in stored)
    from allauth.socialaccount.adapter import get_adapter

    [app] = get_adapter().list_apps(None, provider=SLUG)
    assert app.secret == provider.client_secret
    # a changed sealed value is not opened: AES-GCM notices
    broken = stored[0][:-4] + ("AAAA" if not stored[0].endswith("AAAA") else "BBBB")
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(broken)


def test_a_rotated_secret_key_keeps_the_secret_readable_until_resealed(connection, provider,
                                                                       settings):
    from django.core.management import call_command

    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    app = SocialApp.objects.get(pk=connection.social_app_id)
    assert sealing.unseal(app.secret) == provider.client_secret  # through the fallback
    out = io.StringIO()
    call_command("reseal_secrets", stdout=out)
    assert "Sealed 1 client secrets" in out.getvalue()
    settings.SECRET_KEY_FALLBACKS = []
    app.refresh_from_db()
    assert sealing.unseal(app.secret) == provider.client_secret
    # without the key it was sealed with, the command changes nothing and says what to do
    settings.SECRET_KEY = "yet-another-key-" + "y" * 50
    with pytest.raises(CommandError, match="SECRET_KEY_FALLBACKS"):
        call_command("reseal_secrets", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = ["a-new-key-" + "x" * 50]
    assert sealing.unseal(SocialApp.objects.get(pk=app.pk).secret) == provider.client_secret


def test_a_secret_too_long_to_seal_is_refused_with_a_message(world, operator, provider):
    response = _admin(operator).post("/admin/accounts/signonconnection/add/",
                                     _form(world, provider, client_secret="s" * 101))
    assert response.status_code == 200  # the admin site shows the form again
    assert "100" in response.content.decode()
    assert not SignOnConnection.objects.exists()


def test_the_migration_seals_secrets_stored_before(connection, provider):
    import importlib

    from django.apps import apps

    SocialApp.objects.filter(pk=connection.social_app_id).update(
        secret=provider.client_secret)
    migration = importlib.import_module("qdialog.accounts.migrations.0003_seal_client_secrets")
    migration.seal_secrets(apps, None)
    stored = SocialApp.objects.get(pk=connection.social_app_id).secret
    assert sealing.is_sealed(stored) and sealing.unseal(stored) == provider.client_secret
