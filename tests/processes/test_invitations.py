"""Event invitations that reach people: sent by e-mail with the agenda and a calendar file,
answered through a signed link without an account, changes and cancellations sent again,
self-registration, and the coverage before and after the event."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qdialog.core.models import AuditEntry
from qdialog.processes import invitations, services
from qdialog.processes.models import Invitation, InvitationRun, MailKind, Registration, Reply
from qdialog.processes.tasks import send_event_mail
from qdialog.retention import services as retention
from qdialog.retention.models import RetentionPolicy


@pytest.fixture
def addressed(world, event):
    """The two invited organisations have contact addresses; one a named contact too."""
    from qdialog.network.models import ContactPerson

    youth = world.orgs[world.m1.pk]
    school = event.invitations.get(organisation__professional_system="school").organisation
    for org, address in [(youth, "jugendamt@m1.example"), (school, "schule@m1.example")]:
        org.email = address
        org.save()
    contact = ContactPerson.objects.create(organisation=school, name="Frau Lehrerin",
                                           function="Schulleitung", email="lehrerin@m1.example")
    event.invitations.get(organisation=school).contacts.add(contact)
    services.agenda_add(actor=None, event=event, fields={
        "time": dt.time(9, 30), "topic": "Ergebnisse der Bestandsaufnahme", "lead": "Institut"})
    return event


def _send(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("processes:send", args=[event.pk]))
    assert response.status_code == 302 and len(queued) == 1  # queued, not sent in the request
    return send_event_mail(event.pk, MailKind.INVITATION)


def _link(message) -> str:
    return next(line for line in message.body.splitlines() if "/e/" in line).strip()


def test_invitation_goes_out_with_agenda_and_calendar_file(
        client_for, world, addressed, django_capture_on_commit_callbacks):
    client = client_for("mia")
    assert _send(client, addressed, django_capture_on_commit_callbacks) == 2
    assert len(mail.outbox) == 2
    by_org = {tuple(sorted(m.to)): m for m in mail.outbox}
    school = by_org[("lehrerin@m1.example", "schule@m1.example")]
    assert ("jugendamt@m1.example",) in by_org
    assert "1. QE-Werkstatt" in school.subject
    assert "Ergebnisse der Bestandsaufnahme" in school.body and "Kreishaus" in school.body
    name, content, mimetype = school.attachments[0]
    assert name.endswith(".ics") and "method=REQUEST" in mimetype
    vevent = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]).startswith("1. QE-Werkstatt")
    assert ":" not in str(vevent["UID"]).split("@")[1]  # no port in the UID
    assert vevent["DTSTART"].dt == addressed.starts_at
    run = InvitationRun.objects.get(event=addressed)
    assert (run.status, run.sent, run.total) == ("done", 2, 2)
    assert AuditEntry.objects.filter(action="invite", municipality=world.m1).exists()
    page = client.get(reverse("processes:event", args=[addressed.pk])).content.decode()
    assert "2 of 2 organisations reached" in page
    assert "Send the invitation" not in page  # nothing left to send
    # a second press sends nothing twice
    client.post(reverse("processes:send", args=[addressed.pk]))
    assert send_event_mail(addressed.pk, MailKind.INVITATION) == 0 and len(mail.outbox) == 2


def test_an_organisation_without_address_is_named(client_for, world, event):
    page = client_for("mia").get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "No e-mail address, so no invitation by e-mail" in page
    assert "Grundschule Eins" in page.split("No e-mail address")[1].split("</p>")[0]


def test_reply_by_link_without_an_account(client_for, world, addressed,
                                          django_capture_on_commit_callbacks):
    _send(client_for("mia"), addressed, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if "schule@m1.example" in m.to)
    link = _link(message)
    stranger = Client(headers={"Accept-Language": "en"})
    page = stranger.get(link)
    assert page.status_code == 200 and page["Referrer-Policy"] == "strict-origin"
    body = page.content.decode()
    assert "Reply of Grundschule Eins" in body and "Ergebnisse der Bestandsaufnahme" in body
    assert "Jugendamt" not in body.split("<main")[1].split("Reply of")[1]  # no one else's reply
    # a bad number keeps the choice and says what to fix
    refused = stranger.post(link, {"reply": "yes", "announced": "zwei"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Enter a whole number." in text and 'value="zwei"' in text
    assert re.search(r'value="yes"\s+id="id_reply_0" checked', text)  # the choice is kept
    invitation = Invitation.objects.get(event=addressed, organisation__name="Grundschule Eins")
    assert invitation.reply == Reply.OPEN
    saved = stranger.post(link, {"reply": "yes", "announced": "3"})
    assert saved.status_code == 200 and "your reply was saved" in saved.content.decode()
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.announced) == (Reply.YES, 3)
    entry = AuditEntry.objects.filter(action="update", municipality=world.m1).latest("pk")
    assert entry.actor is None
    # the coordinator's page counts the acceptance before the event
    page = client_for("mia").get(reverse("processes:event", args=[addressed.pk])).content.decode()
    coverage = page.split("Coverage of the professional systems")[1]
    assert "Before the event" in coverage
    assert "Accepted:</strong> School" in coverage
    assert "No reply yet:</strong> Youth office" in coverage or "No reply yet:</strong> Jugendamt" \
        in coverage or "No reply yet:</strong> Youth welfare office" in coverage
    # a forged or altered link answers 404
    assert stranger.get(link[:-4] + "xyz/").status_code == 404
    assert stranger.get(reverse("processes:reply", args=["nonsense"])).status_code == 404


def test_declining_needs_no_number_and_accepting_needs_one(world, addressed):
    link = reverse("processes:reply", args=[invitations.reply_token(addressed.invitations.first())])
    client = Client(headers={"Accept-Language": "en"})
    response = client.post(link, {"reply": "maybe", "announced": ""})
    assert response.status_code == 400 and "at least 1" in response.content.decode()
    assert client.post(link, {"reply": "no", "announced": ""}).status_code == 200
    assert addressed.invitations.first().reply == Reply.NO
    assert client.post(link, {"reply": "later"}).status_code == 400


def test_reply_link_is_stable_and_names_only_its_invitation(world, event):
    first, second = event.invitations.all()
    assert invitations.reply_token(first) == invitations.reply_token(first)
    assert invitations.reply_token(first) != invitations.reply_token(second)
    assert invitations.invitation_by_token(invitations.reply_token(second)) == second


def test_a_change_and_a_cancellation_are_sent_again(
        client_for, world, addressed, django_capture_on_commit_callbacks):
    client = client_for("mia")
    _send(client, addressed, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    later = addressed.starts_at + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("processes:event_edit", args=[addressed.pk]), {
            "kind": "workshop", "title": addressed.title, "place": "Rathaus, Saal 2",
            "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (later + dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302 and len(queued) == 1
    messages = [m.message for m in response.wsgi_request._messages]
    assert "The change is being sent to 2 invited organisations." in messages
    assert send_event_mail(addressed.pk, MailKind.UPDATE) == 2
    update = mail.outbox[0]
    assert update.subject.startswith("Geändert")  # mails go out in German
    assert "Rathaus, Saal 2" in update.body
    vevent = icalendar.Calendar.from_ical(update.attachments[0][1]).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 1
    # a change of the description alone is not sent
    mail.outbox.clear()
    addressed.refresh_from_db()
    assert invitations.event_changed(actor=None, event=addressed, changed=["description"]) == 0
    # cancelling asks first, then tells everyone
    confirm = client.get(reverse("processes:cancel", args=[addressed.pk]))
    assert confirm.status_code == 200
    assert "The 2 organisations that received the invitation are told" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(reverse("processes:cancel", args=[addressed.pk])).status_code == 302
    assert send_event_mail(addressed.pk, MailKind.CANCELLATION) == 2
    cancellation = mail.outbox[0]
    assert cancellation.subject.startswith("Abgesagt")
    assert "method=CANCEL" in cancellation.attachments[0][2]
    cal = icalendar.Calendar.from_ical(cancellation.attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    # no reply is taken for a cancelled event; the page says so
    token = invitations.reply_token(addressed.invitations.first())
    page = Client().get(reverse("processes:reply", args=[token])).content.decode()
    assert "Die Veranstaltung wurde abgesagt." in page and "Rückmeldung senden" not in page
    assert client.get(reverse("processes:cancel", args=[addressed.pk])).status_code == 404


def test_only_managers_send_and_cancel(client_for, world, event):
    for role in ("carol", "paul", "oscar", "zoe"):
        client = client_for(role)
        assert client.post(reverse("processes:send", args=[event.pk])).status_code == 404
        assert client.get(reverse("processes:cancel", args=[event.pk])).status_code == 404
        assert client.post(reverse("processes:cancel", args=[event.pk])).status_code == 404
    anon = client_for("anon")
    assert anon.post(reverse("processes:send", args=[event.pk])).status_code == 302
    event.refresh_from_db()
    assert not event.cancelled and not InvitationRun.objects.exists()


def _open_registration(event):
    event.self_registration = True
    event.save()
    return reverse("processes:register", args=[invitations.registration_token(event)])


def test_self_registration(client_for, world, event, django_capture_on_commit_callbacks):
    url = _open_registration(event)
    client = Client(headers={"Accept-Language": "en"})
    page = client.get(url)
    assert page.status_code == 200 and "Registration" in page.content.decode()
    # bad input keeps what was typed
    refused = client.post(url, {"name": "Herr Neu", "organisation_name": "", "people": "0"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Choose your organisation or name it." in text and 'value="Herr Neu"' in text
    assert not Registration.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"name": "Herr Neu", "organisation_name": "Kita Sonnenschein",
                                 "email": "neu@kita.example", "people": "2"})
    assert done.status_code == 200 and "You are registered." in done.content.decode()
    assert mail.outbox[0].to == ["neu@kita.example"]
    assert mail.outbox[0].attachments[0][0].endswith(".ics")
    # choosing an organisation of the network counts as its acceptance
    youth = world.orgs[world.m1.pk]
    client.post(url, {"name": "Frau Amt", "organisation": youth.pk, "people": "1"})
    invitation = event.invitations.get(organisation=youth)
    assert invitation.reply == Reply.YES and invitation.announced == 1
    # the coordinator sees who registered
    page = client_for("mia").get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "Herr Neu" in page and "Kita Sonnenschein" in page and url in page
    # an organisation of another municipality cannot be chosen
    foreign = world.orgs[world.m3.pk]
    assert client.post(url, {"name": "X", "organisation": foreign.pk, "people": "1"}) \
        .status_code == 400


def test_registration_page_exists_only_where_the_event_allows_it(world, event):
    url = reverse("processes:register", args=[invitations.registration_token(event)])
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("processes:register", args=["forged:token"])).status_code == 404


def test_registrations_are_rate_limited(world, event, settings):
    url = _open_registration(event)
    client = Client()
    for _ in range(20):
        client.post(url, {"name": "", "people": "1"})
    assert client.post(url, {"name": "Spät", "organisation_name": "X", "people": "1"}) \
        .status_code == 429
    assert not Registration.objects.exists()


def test_registration_names_and_addresses_go_with_the_retention_period(world, event):
    _open_registration(event)
    invitations.registration_create(event=event, fields={
        "name": "Herr Neu", "organisation_name": "Kita", "email": "neu@kita.example",
        "people": 2})
    RetentionPolicy.objects.update_or_create(programme=world.a,
                                             defaults={"event_registrations": 1})
    policy = RetentionPolicy.objects.get(programme=world.a)
    before_end = event.ends_at.date()
    assert not retention.policy_due(policy, today=before_end).get("event_registrations")
    after = event.ends_at.date() + dt.timedelta(days=40)
    found = retention.policy_due(policy, today=after)
    assert found["event_registrations"].count() == 1
    retention.policy_apply(policy, actor=None, today=after)
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.people) == ("", "", 2)
    assert registration.organisation_name == "Kita"


def test_coverage_after_the_event_counts_attendance(world, event):
    event.starts_at = timezone.now() - dt.timedelta(days=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=3)
    event.save()
    invitation = event.invitations.get(organisation=world.orgs[world.m1.pk])
    invitation.reply, invitation.attended = Reply.YES, True
    invitation.save()
    coverage = invitations.coverage(event)
    assert coverage["over"]
    assert [s.value for s in coverage["present"]] == ["youth_office"]
    assert [s.value for s in coverage["absent"]] == ["school"]
    assert "police" in [s.value for s in coverage["missing"]]
    # an invitation is no longer sent, a reply no longer taken
    with pytest.raises(ValidationError, match="vorbei"):
        invitations.mail_queue(actor=None, event=event, kind=MailKind.INVITATION)
    with pytest.raises(ValidationError, match="vorbei"):
        invitations.reply_record(invitation=invitation, reply=Reply.NO, announced=0)


def test_coverage_before_the_event_counts_replies(world, event):
    youth = event.invitations.get(organisation=world.orgs[world.m1.pk])
    youth.reply = Reply.NO
    youth.save()
    coverage = invitations.coverage(event)
    assert not coverage["over"]
    assert [s.value for s in coverage["declined"]] == ["youth_office"]
    assert [s.value for s in coverage["open"]] == ["school"]
    assert coverage["accepted"] == []


class Recorder:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((sorted(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_invitations_through_a_real_smtp_server(client_for, world, addressed, settings,
                                                django_capture_on_commit_callbacks):
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        assert _send(client_for("mia"), addressed, django_capture_on_commit_callbacks) == 2
    finally:
        controller.stop()
    assert sorted(r for r, _ in handler.received) == [
        ["jugendamt@m1.example"], ["lehrerin@m1.example", "schule@m1.example"]]
    message = email.message_from_bytes(handler.received[0][1])
    parts = {p.get_content_type(): p for p in message.walk()}
    calendar = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]).startswith("1. QE-Werkstatt")
    body = parts["text/plain"].get_payload(decode=True).decode()
    link = next(line for line in body.splitlines() if "/e/" in line).strip()
    assert Client().get(link).status_code == 200  # the link in the sent mail works
