"""Error pages: German and English, helpful for the people who meet them (respondents,
reporters, staff), never a stack trace; a lost database answers 503 with Retry-After."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qdialog.surveys.models import Response


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.DEBUG = False


def test_lost_database_answers_503_with_retry_after(failing, db):
    for language, words in [("de", "Kurz nicht erreichbar"), ("en", "Briefly unavailable")]:
        client = Client(raise_request_exception=False, headers={"Accept-Language": language})
        response = client.get("/fail/database/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        html = response.content.decode()
        assert words in html and f'lang="{language}"' in html
        assert "never stored twice" in html or "nie doppelt gespeichert" in html
        assert "Traceback" not in html and "OperationalError" not in html
        assert "Content-Security-Policy" in response  # the security headers still apply


def test_a_defect_answers_500_without_details(failing, db):
    client = Client(raise_request_exception=False, headers={"Accept-Language": "de"})
    response = client.get("/fail/defect/")
    assert response.status_code == 500 and "Retry-After" not in response
    html = response.content.decode()
    assert "Etwas ist schiefgegangen" in html
    assert "ZeroDivisionError" not in html and "Traceback" not in html


def test_not_found_page_explains_and_keeps_the_layout(client_for, world):
    foreign = reverse("tenancy:municipality", args=[world.m3.pk])
    for role in ["anon", "mia"]:
        response = client_for(role).get("/gibt-es-nicht/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html and "no access" in html
        assert ('href="/accounts/profile/"' in html) == (role == "mia")  # the usual header
    # a foreign municipality's page looks exactly like a missing one
    response = client_for("mia").get(foreign)
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_not_found_in_german(db):
    response = Client(headers={"Accept-Language": "de"}).get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_csrf_failure_explains_that_nothing_was_stored(world):
    wave_count = Response.objects.count()
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "de"})
    response = client.post(reverse("surveys:entry"), {"code": "ABCD-EFGH"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bitte senden Sie das Formular noch einmal" in html
    assert "Nichts wurde gespeichert" in html
    assert Response.objects.count() == wave_count
    assert settings.CSRF_FAILURE_VIEW == "django.views.csrf.csrf_failure"
