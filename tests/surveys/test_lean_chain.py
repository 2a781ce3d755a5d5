"""Respondents' pages go through the shorter middleware chain (qdialog/core/lean.py): the same
protections, nothing of a log-in, and fewer queries."""

from django.test import Client
from django.urls import reverse

from qdialog.surveys.models import Response
from tests.surveys.conftest import fresh_token, post_data

ANSWER = reverse("surveys:answer")


def test_the_page_keeps_every_protection_header(respondent, survey):
    page = respondent.get(f"/s/{survey.code}/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "strict-origin"
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Request-ID"]
    assert "sessionid" not in page.cookies  # no session is opened or touched


def test_csrf_is_still_checked(survey):
    strict = Client(enforce_csrf_checks=True)
    strict.get(f"/s/{survey.code}/")
    refused = strict.post(ANSWER, post_data(fresh_token()))
    assert refused.status_code == 403
    assert Response.objects.count() == 0


def test_a_logged_in_coordinator_answers_as_anybody(client_for, survey, settings):
    """Nothing of the person's log-in reaches the respondent's pages: no two-factor detour,
    no session written, and the answer set as anonymous as anyone's."""
    settings.QDIALOG_REQUIRE_MFA = True  # mia would be sent to set up TOTP on other pages
    mia = client_for("mia")
    assert mia.get(reverse("home")).status_code == 302
    page = mia.get(f"/s/{survey.code}/")
    assert page.status_code == 200 and "sessionid" not in page.cookies
    done = mia.post(ANSWER, post_data(fresh_token()))
    assert done.status_code == 303 and Response.objects.count() == 1


def test_the_respondent_path_costs_few_queries(respondent, survey, django_assert_max_num_queries):
    Client().get(f"/s/{survey.codes[1].code}/")  # the instrument is compiled once per process
    with django_assert_max_num_queries(1):
        assert respondent.get(f"/s/{survey.code}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert respondent.post(ANSWER, post_data(fresh_token())).status_code == 303
