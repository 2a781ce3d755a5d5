"""A two-way dialogue with the anonymous reporter: the reviewers ask, the reporter reads and
answers with the follow-up code, no account and nothing identifying stored; the identifier
check applies to both sides."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.incidents import dialogue, services
from qdialog.incidents.models import IncidentStatus, ReportMessage
from tests.incidents.support import file_report


@pytest.fixture
def filed(system):
    return file_report(system)


def _followup(system, code, **data):
    return Client(headers={"Accept-Language": "en"}).post(
        reverse("incidents:followup", args=[system.key]), {"code": code, **data})


def test_reviewers_ask_and_the_reporter_answers(client_for, world, system, filed):
    report, code = filed
    mia = client_for("mia")
    # before any question the reporter cannot write
    page = _followup(system, code).content.decode()
    assert "Your answer" not in page
    before = AuditEntry.objects.count()
    asked = mia.post(reverse("incidents:ask", args=[report.pk]),
                     {"text": "War die Kita schon vorher eingebunden?"})
    assert asked.status_code == 302 and asked["Location"].endswith("#dialogue")
    entry = AuditEntry.objects.latest("pk")  # who asked is audited (the reviewers are known)
    assert AuditEntry.objects.count() == before + 1 and entry.actor == world.people["mia"]
    # the reporter reads it with the code, at the address that shows the answer
    page = _followup(system, code).content.decode()
    assert "War die Kita schon vorher eingebunden?" in page and "Your answer" in page
    answered = _followup(system, code, text="Ja, seit dem Sommer.")
    assert answered.status_code == 200
    assert "your answer was sent to the reviewers" in answered.content.decode()
    answer = ReportMessage.objects.get(author="reporter")
    assert answer.text == "Ja, seit dem Sommer." and answer.unread
    # nothing ties the answer to a moment or a person: a date, a random key, no audit entry
    fields = {f.name for f in ReportMessage._meta.get_fields()}
    assert not fields & {"created_at", "ip", "user", "actor", "session"}
    assert not AuditEntry.objects.filter(object_id=str(answer.pk)).exists()
    assert abs(answer.pk) > 10_000  # random, not counted
    # the queue says there is a new answer; opening the report marks it read
    queue = mia.get(reverse("incidents:queue", args=[system.pk])).content.decode()
    assert "1 new answer from the reporter" in queue
    detail = mia.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Ja, seit dem Sommer." in detail and ">new<" in detail
    answer.refresh_from_db()
    assert not answer.unread
    assert [m.author for m in report.messages.all()] == ["reviewers", "reporter"]


def test_the_identifier_check_applies_to_answers(client_for, world, system, filed):
    report, code = filed
    dialogue.question_ask(actor=None, report=report, text="Wie ging es weiter?")
    text = "Frau Yilmaz aus der Lindenallee 4 hat angerufen."
    warned = _followup(system, code, text=text)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert "Possible identifiers" in body and "Lindenallee 4" in body
    assert text in body  # what was typed is kept
    assert not ReportMessage.objects.filter(author="reporter").exists()
    confirmed = _followup(system, code, text=text, confirm_anonymous="on")
    assert confirmed.status_code == 200
    assert ReportMessage.objects.filter(author="reporter").count() == 1


def test_the_identifier_check_applies_to_questions(client_for, world, system, filed):
    report, _code = filed
    url = reverse("incidents:ask", args=[report.pk])
    warned = client_for("mia").post(url, {"text": "Meinen Sie Herrn Krause?"})
    assert warned.status_code == 400 and "Possible identifiers" in warned.content.decode()
    assert "Meinen Sie Herrn Krause?" in warned.content.decode()
    assert not ReportMessage.objects.exists()
    empty = client_for("mia").post(url, {"text": ""})
    assert empty.status_code == 400 and not ReportMessage.objects.exists()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe", "alice"])
def test_only_reviewers_ask(client_for, world, system, filed, role):
    report, _code = filed
    response = client_for(role).post(reverse("incidents:ask", args=[report.pk]), {"text": "x"})
    assert response.status_code in (302, 404)
    if role == "anon":
        assert "/accounts/login/" in response["Location"]
    assert not ReportMessage.objects.exists()


def test_a_wrong_code_reads_and_writes_nothing(world, system, filed):
    report, _code = filed
    dialogue.question_ask(actor=None, report=report, text="Wie ging es weiter?")
    other, other_code = file_report(system)
    page = _followup(system, other_code).content.decode()
    assert "Wie ging es weiter?" not in page  # another report's question is not shown
    response = _followup(system, "AAAA-BBBB-CCCC-DDDD", text="Hallo")
    assert response.status_code == 400 and not ReportMessage.objects.filter(
        author="reporter").exists()
    with pytest.raises(Exception, match="no question"):
        dialogue.answer_give(report=other, text="Ungefragt")


def test_no_question_to_a_closed_report(world, system, filed):
    report, _code = filed
    services.report_close(actor=None, report=report)
    report.refresh_from_db()
    assert report.status == IncidentStatus.CLOSED
    with pytest.raises(Exception, match="closed"):
        dialogue.question_ask(actor=None, report=report, text="Noch eine Frage")


@pytest.mark.django_db(transaction=True)
def test_answers_are_stored_in_random_order(world, system):
    """Like new reports, the unread answers are rewritten together in a random order: after
    answers given in separate transactions, one transaction has written them all."""
    reports = [file_report(system)[0] for _ in range(3)]
    for report in reports:
        dialogue.question_ask(actor=None, report=report, text="Frage")
        dialogue.answer_give(report=report, text="Antwort")
    assert dialogue.answers_mix(system_id=system.pk) == 3
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM "
                           f"{ReportMessage._meta.db_table} WHERE unread")
            assert cursor.fetchone()[0] == 1  # one transaction wrote them all
