"""Logging in and out, lock-out, password reset, two-factor requirement, profile."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from qdialog.accounts.models import User
from qdialog.core.models import AuditEntry
from tests.conftest import PASSWORD


def english():
    return Client(headers={"Accept-Language": "en"})


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_with_email_and_password(world):
    client = english()
    response = login(client, "MIA@example.org")
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == world.people["mia"]


def test_the_login_page_offers_the_password_reset_once(client, db):
    body = client.get(reverse("account_login")).content.decode()
    assert body.count(f'href="{reverse("account_reset_password")}"') == 1
    assert body.count("Passwort vergessen?") == 1
    assert "id_password_helptext" not in body  # not read out as the password's description


def test_wrong_password_is_refused_with_a_message(world):
    response = login(english(), "mia@example.org", "wrong password")
    assert response.status_code == 400
    assert b"email address and/or password you specified are not correct" in response.content


def test_lockout_after_repeated_failures(world, settings):
    client = english()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "mia@example.org", "wrong password")
    response = login(client, "mia@example.org")  # even the right password is refused now
    assert response.status_code == 429
    assert b"Account temporarily locked" in response.content
    assert client.get(reverse("home")).context["user"].is_anonymous


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="a2@example.org", password="long enough secret")
    assert user.password.startswith("argon2")


def test_logout_needs_post_and_is_logged(client_for, world):
    client = client_for("paul")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor=world.people["paul"]).exists()
    assert client.get(reverse("profile")).status_code == 302


def test_signup_is_closed(db):
    response = english().get(reverse("account_signup"))
    assert b"Sign Up Closed" in response.content or response.status_code in (302, 404)
    assert not User.objects.exists()


def test_password_reset_sends_mail(world):
    response = english().post(reverse("account_reset_password"), {"email": "paul@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_does_not_reveal_unknown_addresses(world):
    response = english().post(reverse("account_reset_password"), {"email": "x@example.org"})
    assert response.status_code == 302  # same answer as for a known address


@pytest.mark.parametrize("who,redirected", [("alice", True), ("carol", True), ("mia", True),
                                            ("paul", False)])
def test_mfa_required_for_wide_roles_when_switched_on(client_for, world, settings, who,
                                                      redirected):
    settings.QDIALOG_REQUIRE_MFA = True
    response = client_for(who).get(reverse("home"))
    if redirected:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    else:
        assert response.status_code == 200


def test_mfa_not_required_by_default(client_for, world):
    assert client_for("alice").get(reverse("home")).status_code == 200


def test_mfa_setup_asks_for_the_password_then_shows_a_qr_code(client_for, world):
    client = client_for("mia")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b"<svg" in response.content or b"data:image" in response.content


def test_totp_login_flow(world, monkeypatch):
    """After TOTP is activated, logging in asks for the code and accepts a correct one."""
    from allauth.mfa.totp.internal import auth
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    # one fixed time step for the code and its check: a slow machine must not cross a step
    counter = next(yield_hotp_counters_from_time())
    monkeypatch.setattr(auth, "yield_hotp_counters_from_time", lambda: iter([counter]))

    user = world.people["mia"]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = english()
    response = login(client, "mia@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_profile_saves_name_and_language(client_for, world):
    client = client_for("paul")
    response = client.post(reverse("profile"), {"display_name": "Paul P.",
                                                "preferred_language": "en"})
    assert response.status_code == 302
    assert response.cookies["qdialog_language"].value == "en"
    world.people["paul"].refresh_from_db()
    assert world.people["paul"].display_name == "Paul P."
    assert AuditEntry.objects.filter(action="update", object_id=str(world.people["paul"].pk))


def test_profile_lists_roles(client_for, world):
    body = " ".join(client_for("mia").get(reverse("profile")).content.decode().split())
    assert "Municipal coordinator: Landkreis Eins" in body


def test_password_spraying_from_one_address_is_stopped(world, settings):
    """Trying one password on many accounts: per account no lock-out would trigger, but after
    QDIALOG_LOGIN_FAILURES_PER_ADDRESS failures from one address, log-ins from it are refused
    – also with a right password; other addresses go on."""
    settings.QDIALOG_LOGIN_FAILURES_PER_ADDRESS = 4
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [attacker.post(reverse("account_login"), {
        "login": f"{name}@example.org", "password": "Sommer2026!"}).status_code
        for name in ("alice", "carol", "mia", "paul")]
    assert 429 not in statuses
    blocked = attacker.post(reverse("account_login"), {"login": "zoe@example.org",
                                                       "password": PASSWORD})
    assert blocked.status_code == 429
    assert "for several accounts" in blocked.content.decode() or \
        "für mehrere Konten" in blocked.content.decode()
    other = Client(REMOTE_ADDR="10.9.9.10")
    assert other.post(reverse("account_login"), {"login": "zoe@example.org",
                                                 "password": PASSWORD}).status_code == 302
