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


def test_the_submission_takes_few_statements(respondent, survey, django_assert_max_num_queries):
    """The code read once, then the submission: one statement on PostgreSQL (plus the
    savepoint a test's transaction needs), token, code, count and answer set on SQLite."""
    from django.db import connection

    respondent.get(f"/s/{survey.code}/")
    most = 4 if connection.vendor == "postgresql" else 7
    with django_assert_max_num_queries(most):
        assert respondent.post(ANSWER, post_data(fresh_token())).status_code == 303


def _tokens(html):
    import re

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return csrf, token


def test_a_blank_page_from_memory_gets_its_own_tokens(survey):
    """The questionnaire with nothing filled in is drawn once and kept (views/respondent.py):
    each respondent still gets a CSRF token and a submission token of their own, and the rest
    of the page is the same markup."""
    from qdialog.surveys.views import respondent as views

    views._BLANK_FORMS.clear()
    first, second = Client(), Client()
    one = first.get(f"/s/{survey.codes[1].code}/").content.decode()
    two = second.get(f"/s/{survey.codes[2].code}/").content.decode()
    assert len(views._BLANK_FORMS) == 1
    (csrf1, token1), (csrf2, token2) = _tokens(one), _tokens(two)
    assert token1 != token2 and csrf1 != csrf2
    assert views.TOKEN_PLACEHOLDER not in two and views.CSRF_PLACEHOLDER not in two
    assert one.replace(csrf1, "").replace(token1, "") == two.replace(csrf2, "").replace(
        token2, "")
    # and both forms are accepted with their own tokens
    assert second.post(ANSWER, post_data(token2)).status_code == 303
    assert first.post(ANSWER, post_data(token1)).status_code == 303
    assert Response.objects.count() == 2


def test_a_page_with_a_draft_or_errors_is_drawn_for_its_respondent(respondent, survey):
    """Only blank pages are kept: a saved draft comes back with its answers, a refused page
    with its messages, and neither ends up in another respondent's page."""
    from qdialog.surveys.views import respondent as views

    views._BLANK_FORMS.clear()
    respondent.get(f"/s/{survey.code}/")
    saved = respondent.post(ANSWER, post_data(fresh_token(), action="save", q_short="Entwurf"))
    assert saved.status_code == 200
    again = respondent.get(f"/s/{survey.code}/").content.decode()
    assert 'value="Entwurf"' in again
    refused = respondent.post(ANSWER, post_data(fresh_token(), q_count="viele",
                                                q_short="Zweiter"))
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="error-summary"' in body
    assert 'value="Zweiter"' in body
    other = Client().get(f"/s/{survey.codes[3].code}/").content.decode()
    assert "Entwurf" not in other and "Zweiter" not in other and "error-summary" not in other
    assert all("Entwurf" not in html and "Zweiter" not in html and "error-summary" not in html
               for html in views._BLANK_FORMS.values())


def test_the_respondent_addresses_resolve_alone_and_the_rest_as_before(respondent, survey):
    from django.urls import resolve

    page = respondent.get(f"/s/{survey.code}/")
    assert page.resolver_match.view_name == "surveys:respond"
    assert resolve(f"/s/{survey.code}/").view_name == "surveys:respond"
    assert respondent.get("/s/a/b/c/").status_code == 404  # unknown under /s/: still a 404
    done = respondent.get(reverse("surveys:done") + "?lang=en")
    assert done.status_code == 200 and "Thank you!" in done.content.decode()


def test_the_policy_header_is_the_sites(respondent, client, survey, settings):
    """Built once for the respondents' pages, but the same policy as everywhere – and when
    the policy changes, the new one."""
    page = respondent.get(f"/s/{survey.code}/")
    other = client.get(reverse("account_login"))
    assert page["Content-Security-Policy"] == other["Content-Security-Policy"]
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "img-src": ["'self'", "data:",
                                                                "https://example.org"]}
    settings.CONTENT_SECURITY_POLICY = policy
    changed = respondent.get(reverse("surveys:done"))
    assert "https://example.org" in changed["Content-Security-Policy"]
