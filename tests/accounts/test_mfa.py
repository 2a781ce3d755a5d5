"""When a second factor is required, it is required on every way in: pages, the person's data
export, the admin site, API tokens and the calendar subscription."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from qdialog.accounts.mfa import mfa_missing, mfa_required
from qdialog.api.models import ApiToken
from tests.conftest import PASSWORD, make_user


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})


@pytest.fixture
def operator(db):
    user = make_user("operator@example.org", "Olga Betrieb")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_data_export_waits_for_the_second_factor(client_for, world, settings):
    settings.QDIALOG_REQUIRE_MFA = True
    response = client_for("alice").get(reverse("profile_data"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client_for("alice").get(reverse("mfa_activate_totp")).status_code in (200, 302)
    _with_totp(world.people["alice"])
    assert client_for("alice").get(reverse("profile_data")).status_code == 200


def test_api_tokens_are_no_way_around_the_second_factor(world, settings):
    settings.QDIALOG_REQUIRE_MFA = True
    _, token = ApiToken.issue(user=world.people["alice"], name="stats")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/waves").status_code == 401
    _with_totp(world.people["alice"])
    assert client.get("/api/v1/waves").status_code == 200
    # a participant's role needs no second factor
    _, token = ApiToken.issue(user=world.people["paul"], name="p")
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/waves") \
        .status_code == 200


def test_the_calendar_subscription_waits_for_the_second_factor(world, settings):
    from qdialog.processes.services import feed_token

    settings.QDIALOG_REQUIRE_MFA = True
    url = reverse("processes:feed", args=[feed_token(world.people["mia"], world.m1)])
    assert Client().get(url).status_code == 404
    _with_totp(world.people["mia"])
    assert Client().get(url).status_code == 200


def test_operators_must_use_the_second_factor_on_the_admin_site(operator, settings):
    settings.QDIALOG_REQUIRE_MFA_OPERATORS = True
    assert mfa_required(operator) and mfa_missing(operator)
    client = Client()
    client.force_login(operator)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    _with_totp(operator)
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_is_allauths_with_its_second_step(operator, settings):
    """A password alone must not open the admin site: its own login form is replaced."""
    settings.QDIALOG_REQUIRE_MFA_OPERATORS = True
    _with_totp(operator)
    client = Client()
    response = client.post("/admin/login/?next=/admin/",
                           {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("account_login"))
    assert client.get("/admin/").status_code == 302  # not logged in
    # through allauth, the password leads to the TOTP step, not into the site
    login = client.post(reverse("account_login"), {"login": operator.email,
                                                   "password": PASSWORD})
    assert login.status_code == 302 and "2fa/authenticate" in login["Location"]
    assert client.get("/admin/").status_code == 302


def test_operators_required_by_default_in_production():
    from tests.core.test_settings_and_cli import run

    out = run(["shell", "-c", "from django.conf import settings; "
               "print('operators:', settings.QDIALOG_REQUIRE_MFA_OPERATORS)"],
              QDIALOG_MODE="production", SECRET_KEY="x" * 40, ALLOWED_HOSTS="example.org",
              DJANGO_DEBUG="false")
    assert "operators: True" in out.stdout, out.stderr
