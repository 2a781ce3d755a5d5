"""The respondent's side: anonymous by structure, exactly once, bad input refused."""

import datetime as dt
import re

import pytest
from django.db import models
from django.urls import reverse

from qdialog.surveys.models import AccessCode, Response, SubmissionToken, Wave
from tests.surveys.conftest import code_row, fresh_token, post_data


def url(code):
    return reverse("surveys:respond", args=[code])


ANSWER = "/s/answer/"


def post(client, code, data):
    """Open the code's address (the only one carrying the code), then send the form to the
    code-free address, as a browser does."""
    opened = client.get(url(code))
    if opened.status_code != 200:
        return opened
    return client.post(ANSWER, data)


def test_questionnaire_page_needs_no_login(respondent, survey):
    response = respondent.get(url(survey.code))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Testbogen" in body and 'name="token"' in body
    assert response["Cache-Control"] == "no-store"
    # the form, the language links and every later page use an address without the code
    assert f'action="{ANSWER}"' in body and survey.code not in body
    assert 'href="/s/answer/?lang=en"' in body


def test_the_code_travels_in_a_cookie_not_in_addresses(respondent, survey):
    opened = respondent.get(url(survey.code))
    cookie = opened.cookies["qdialog_code"]
    assert cookie["httponly"] and cookie["path"] == "/s/" and not cookie["max-age"]
    assert survey.code in cookie.value  # signed, so it cannot be changed to another code
    again = respondent.get(ANSWER)
    assert again.status_code == 200 and "Testbogen" in again.content.decode()
    done = respondent.post(ANSWER, post_data(fresh_token()))
    assert done["Location"] == "/s/done/?lang=de"
    assert done.cookies["qdialog_code"].value == ""  # forgotten once the answers are in
    assert respondent.get(done["Location"]).status_code == 200


def test_a_forged_cookie_is_not_a_code(respondent, survey):
    from django.test import Client

    forged = Client()
    forged.cookies["qdialog_code"] = survey.code  # not signed
    assert forged.get(ANSWER)["Location"].startswith(reverse("surveys:entry"))
    assert forged.post(ANSWER, post_data(fresh_token())).status_code == 302
    assert not Response.objects.exists()


def test_a_used_code_and_an_unknown_code_are_answered_alike(respondent, survey):
    """Whoever holds someone's code must not learn whether that person has answered."""
    from django.test import Client

    post(respondent, survey.code, post_data(fresh_token()))
    used = Client(REMOTE_ADDR="10.0.0.2").get(url(survey.code))
    unknown = Client(REMOTE_ADDR="10.0.0.3").get(url("ZZZZZZZZZZ"))
    assert used.status_code == unknown.status_code == 404
    assert _without_csrf(used.content) == _without_csrf(unknown.content)
    typed_used = Client(REMOTE_ADDR="10.0.0.4").post(reverse("surveys:entry"),
                                                     {"code": survey.code})
    typed_unknown = Client(REMOTE_ADDR="10.0.0.5").post(reverse("surveys:entry"),
                                                        {"code": "ZZZZZZZZZZ"})
    assert typed_used.status_code == typed_unknown.status_code == 404
    assert (_without_csrf(typed_used.content).replace(survey.code.encode(), b"X")
            == _without_csrf(typed_unknown.content).replace(b"ZZZZZZZZZZ", b"X"))


def _without_csrf(content: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_submit_stores_one_answer_set_without_any_link(respondent, survey):
    response = post(respondent, survey.code, post_data(fresh_token()))
    assert response.status_code == 303
    assert response["Location"].startswith(reverse("surveys:done"))
    stored = Response.objects.get()
    assert stored.answers["q1"] == 4 and stored.perspective == "2"
    assert stored.municipality == survey.wave.municipality
    assert code_row(survey.code).used and code_row(survey.code).draft is None


def test_answer_sets_have_no_field_that_could_link_them():
    """Anonymity by structure: no relation to codes, tokens or people, no time of day."""
    fields = {f.name: f for f in Response._meta.get_fields()}
    relations = {name for name, f in fields.items() if f.is_relation}
    assert relations == {"wave", "municipality"}
    assert not any(isinstance(f, models.DateTimeField) for f in fields.values())
    lowered = " ".join(fields).lower()
    for forbidden in ("ip", "agent", "code", "token", "email", "user", "session"):
        assert forbidden not in lowered.split(), forbidden
    assert not [f for f in SubmissionToken._meta.get_fields() if f.is_relation
                and f.related_model in (Response, AccessCode)]


def test_double_click_stores_once_and_shows_thanks(respondent, survey):
    token = fresh_token()
    respondent.get(url(survey.code))
    cookie = respondent.cookies["qdialog_code"].value
    first = respondent.post(ANSWER, post_data(token))
    # the same post again: a double click, or a retry after a lost connection (the browser
    # still has the cookie the first answer would have removed)
    respondent.cookies["qdialog_code"] = cookie
    code = AccessCode.objects.get(code=survey.code)
    code.used = False  # even if the page still thinks the code is fresh …
    code.save()
    second = respondent.post(ANSWER, post_data(token))
    assert first.status_code == 303 and second.status_code == 409
    assert "bereits" in second.content.decode()
    assert Response.objects.count() == 1


def test_second_tab_with_a_used_code_is_told_politely(respondent, survey):
    respondent.get(url(survey.code))
    cookie = respondent.cookies["qdialog_code"].value
    respondent.post(ANSWER, post_data(fresh_token()))
    respondent.cookies["qdialog_code"] = cookie  # the second tab
    again = respondent.post(ANSWER, post_data(fresh_token()))
    assert again.status_code == 404
    assert "nicht (mehr) verwendet" in again.content.decode()
    assert Response.objects.count() == 1
    assert respondent.get(url(survey.code)).status_code == 404


def test_group_code_takes_many_answers_but_each_post_once(respondent, survey):
    token = fresh_token()
    statuses = []
    for t in (token, token, fresh_token()):
        statuses.append(post(respondent, survey.group.code, post_data(t)).status_code)
    assert statuses == [303, 409, 303]  # the second post of one form: "already received"
    assert Response.objects.count() == 2


def test_group_code_is_rate_limited(respondent, survey, settings):
    settings.QDIALOG_GROUP_CODE_RATE = 2
    from django.core.cache import cache

    cache.clear()
    statuses = [post(respondent, survey.group.code, post_data(fresh_token())).status_code
                for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert Response.objects.count() == 2


def test_guessing_codes_is_stopped(respondent, survey, settings):
    """After QDIALOG_CODE_FAILURES unknown codes from one address in ten minutes, every code
    lookup from it is refused (429) – also a correct one, or guessing would go on."""
    from django.test import Client

    settings.QDIALOG_CODE_FAILURES = 3
    entry = reverse("surveys:entry")
    statuses = [respondent.post(entry, {"code": f"GUESS{n:04d}"}).status_code for n in range(2)]
    statuses.append(respondent.get(url("GUESS0002X")).status_code)
    assert statuses == [404, 404, 404]
    blocked = respondent.post(entry, {"code": survey.code})
    assert blocked.status_code == 429
    assert "Zu viele unbekannte Codes" in blocked.content.decode()
    assert respondent.get(url(survey.code)).status_code == 429
    # without the signed cookie of an accepted code the form page sends back to the entry page
    assert respondent.post(ANSWER, post_data(fresh_token())).status_code == 302
    assert not Response.objects.exists()
    # another address is not affected, and usable codes never count
    other = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        assert other.get(url(survey.code)).status_code == 200
    assert other.post(entry, {"code": survey.code}).status_code == 303


def test_a_code_accepted_before_the_block_can_still_be_sent(respondent, survey, settings):
    """The form page takes its code from the cookie qdialog signed when the code was accepted:
    nothing can be guessed through it, so a block that starts after the questionnaire was
    opened does not stop the answers from being sent (and no code is looked up from input)."""
    settings.QDIALOG_CODE_FAILURES = 1
    opened = respondent.get(url(survey.code))
    assert opened.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', opened.content.decode()).group(1)
    assert respondent.get(url("UNKNOWN1")).status_code == 404  # now blocked
    assert respondent.get(url(survey.code)).status_code == 429
    respondent.cookies.load({"qdialog_code": opened.cookies["qdialog_code"].value})
    sent = respondent.post(ANSWER, post_data(token))
    assert sent.status_code == 303
    assert Response.objects.count() == 1
    # a cookie qdialog did not sign is no way round the block
    respondent.cookies.load({"qdialog_code": survey.code})
    assert respondent.post(ANSWER, post_data(fresh_token())).status_code == 302


def test_guessing_window_ends(respondent, survey, settings):
    from django.core.cache import cache

    settings.QDIALOG_CODE_FAILURES = 1
    assert respondent.get(url("UNKNOWN1")).status_code == 404
    assert respondent.get(url(survey.code)).status_code == 429
    cache.clear()  # the ten minutes are over
    assert respondent.get(url(survey.code)).status_code == 200


@pytest.mark.parametrize("change,status", [
    ({"status": "closed"}, 410), ({"status": "draft"}, 410),
    ({"closes_on": dt.date(2020, 1, 2), "opens_on": dt.date(2020, 1, 1)}, 410)])
def test_closed_or_not_yet_open_wave(respondent, survey, change, status):
    respondent.get(url(survey.code))  # opened while the wave took answers
    Wave.objects.filter(pk=survey.wave.pk).update(**change)
    assert respondent.get(url(survey.code)).status_code == status
    assert respondent.post(ANSWER, post_data(fresh_token())).status_code == status
    assert not Response.objects.exists()


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "short", "<script>", "A" * 40])
def test_unknown_or_tampered_codes(respondent, survey, code):
    response = respondent.get(url(code))
    assert response.status_code == 404
    assert respondent.post(url(code), post_data(fresh_token())).status_code == 405


@pytest.mark.parametrize("overrides,status,text", [
    ({"token": "not-a-token"}, 400, "nicht gelesen werden"),
    ({"action": "delete"}, 400, "nicht gelesen werden"),
    ({"q_unknown_item": "1"}, 400, "nicht zu diesem Fragebogen gehören"),
    ({"q_q1": "9"}, 400, "Bitte wählen Sie eine der angebotenen Antworten."),
    ({"q_q1": None}, 400, "Bitte beantworten Sie diese Frage."),
    ({"q_short": "x" * 500}, 400, "höchstens 20 Zeichen"),
    ({"q_count": "zwölf"}, 400, "ganze Zahl"),
    ({"q_topics": ["1", "99"]}, 400, "angebotenen Antworten"),
])
def test_bad_input_is_refused_and_nothing_stored(respondent, survey, overrides, status, text):
    response = post(respondent, survey.code, post_data(fresh_token(), **overrides))
    assert response.status_code == status
    assert text in response.content.decode()
    assert not Response.objects.exists()
    assert not code_row(survey.code).used
    assert not SubmissionToken.objects.exists()


def test_error_summary_links_to_the_question(respondent, survey):
    body = post(respondent, survey.code, post_data(fresh_token(), q_q1=None)).content.decode()
    assert 'href="#f-q1"' in body and 'id="f-q1"' in body
    assert 'aria-describedby="f-q1-error"' in body


def test_messages_in_the_respondents_language(respondent, survey):
    body = post(respondent, survey.code, post_data(fresh_token(), q_q1=None, lang="en")) \
        .content.decode()
    assert "Please answer this question." in body and "Question one" in body


def test_oversized_request_is_refused(respondent, survey, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(respondent, survey.code, post_data(fresh_token(), q_long="x" * 20_000))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_save_and_continue_later(respondent, survey):
    data = post_data(fresh_token(), action="save")
    data.pop("q_q1")
    response = post(respondent, survey.code, data)
    assert response.status_code == 200 and survey.code in response.content.decode()
    draft = code_row(survey.code).draft
    assert draft["answers"]["count"] == 12 and draft["answers"]["q1"] == "_na"
    page = respondent.get(url(survey.code)).content.decode()
    assert 'value="12"' in page  # restored from the draft
    post(respondent, survey.code, post_data(fresh_token()))
    assert code_row(survey.code).draft is None and Response.objects.count() == 1


def test_group_codes_cannot_save_drafts(respondent, survey):
    page = respondent.get(url(survey.group.code)).content.decode()
    assert 'value="save"' not in page


def test_paged_questionnaire_moves_forward_and_back(respondent, survey):
    survey.instrument.paged = True
    survey.instrument.save()
    from qdialog.surveys import schema

    schema._CACHE.clear()
    first = respondent.get(url(survey.code)).content.decode()
    assert "Über Sie" in first and "Hauptteil" not in first
    page2 = respondent.post(ANSWER, {"token": fresh_token(), "page": "0",
                                               "action": "next", "lang": "de",
                                               "q_perspective": "2", "q_system": "1"})
    body = page2.content.decode()
    assert "Hauptteil" in body and 'name="q_perspective" value="2"' in body  # carried
    back = respondent.post(ANSWER, {"token": fresh_token(), "page": "1",
                                              "action": "back", "lang": "de",
                                              "q_perspective": "2", "q_system": "1"})
    assert "Über Sie" in back.content.decode()
    missing = respondent.post(ANSWER, {"token": fresh_token(), "page": "0",
                                                 "action": "next", "lang": "de"})
    assert missing.status_code == 400


def test_entry_page_finds_a_code(respondent, survey):
    response = respondent.post(reverse("surveys:entry"), {"code": survey.code.lower()})
    assert response.status_code == 303 and response["Location"] == "/s/answer/?lang=de"
    assert survey.code not in response["Location"]
    assert "Testbogen" in respondent.get(response["Location"]).content.decode()
    wrong = respondent.post(reverse("surveys:entry"), {"code": "NOPE1234"})
    assert wrong.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_code_store_once(survey):
    """Two browsers post the same code at the same moment: exactly one answer set."""
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is not shared between threads")
    results = []

    clients = []
    for _ in range(6):
        client = Client()
        client.get(url(survey.code))
        clients.append(client)

    def send(client):
        results.append(client.post(ANSWER, post_data(fresh_token())).status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count(303) == 1 and Response.objects.count() == 1


def test_the_respondent_language_holds_to_the_thank_you_and_received_pages(client, db):
    from django.urls import reverse

    entry = client.get(reverse("surveys:entry") + "?lang=en", HTTP_ACCEPT_LANGUAGE="de")
    body = entry.content.decode()
    assert 'lang="en"' in body and "Take part in a survey" in body
    assert f'href="{reverse("surveys:entry")}?lang=de"' in body  # the switch on /s/
    done = client.get(reverse("surveys:done") + "?lang=en", HTTP_ACCEPT_LANGUAGE="de")
    assert "Thank you!" in done.content.decode() and "Vielen Dank" not in done.content.decode()
    german = client.get(reverse("surveys:done") + "?lang=de", HTTP_ACCEPT_LANGUAGE="en")
    assert "Vielen Dank" in german.content.decode()
    unknown = client.post(reverse("surveys:entry"), {"code": "NOPE2345XY", "lang": "en"},
                          HTTP_ACCEPT_LANGUAGE="de")
    assert unknown.status_code == 404 and 'lang="en"' in unknown.content.decode()
    assert "code" in unknown.content.decode().lower()
