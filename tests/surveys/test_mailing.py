"""Invitations reach people exactly once: each address is marked as its e-mail goes out, a run
that stops halfway (the mail server refuses) is recorded, shown and logged, and sending again
sends only the rest. Against a real SMTP server (aiosmtpd) on this machine."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, MailingRun, RunStatus
from qdialog.surveys.tasks import send_invitations


class FlakyServer:
    """Accepts `accept` messages, then refuses every further one (451)."""

    def __init__(self, accept: int):
        self.accept, self.received = accept, []

    async def handle_DATA(self, server, session, envelope):
        if len(self.received) >= self.accept:
            return "451 4.3.0 Please try again later"
        self.received.append((envelope.rcpt_tos[0], envelope.content.decode()))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = FlakyServer(accept=2)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_a_run_that_stops_halfway_is_recorded_and_finished_without_duplicates(
        client_for, world, survey, smtp, caplog):
    emails = [f"person{n}@example.org" for n in range(5)]
    services.invitations_add(actor=None, wave=survey.wave, emails=emails)
    assert send_invitations(wave_id=survey.wave.pk) == 2
    run = MailingRun.objects.get()
    assert run.status == RunStatus.FAILED and run.sent == 2 and run.total == 5
    assert "451" in run.error
    assert "stopped after 2 of 5" in caplog.text  # logged with its context
    sent = set(AccessCode.objects.filter(wave=survey.wave, sent_count=1)
               .values_list("email", flat=True))
    assert sent == {to for to, _ in smtp.received}
    page = client_for("mia").get(reverse("surveys:wave", args=[survey.wave.pk])).content.decode()
    assert "Send the rest" in page or "Rest senden" in page
    smtp.accept = 100  # the mail server works again
    assert send_invitations(wave_id=survey.wave.pk) == 3  # only the rest
    assert sorted(to for to, _ in smtp.received) == sorted(emails)  # everyone exactly once
    assert MailingRun.objects.order_by("-started_at").first().status == RunStatus.DONE
    assert send_invitations(wave_id=survey.wave.pk) == 0  # nothing left


def test_an_address_added_during_a_run_is_not_marked_sent(world, survey, smtp):
    """The list is read once: an address added while a run sends is left for the next run."""
    smtp.accept = 100
    services.invitations_add(actor=None, wave=survey.wave, emails=["a@example.org"])
    send_invitations(wave_id=survey.wave.pk)
    services.invitations_add(actor=None, wave=survey.wave, emails=["b@example.org"])
    late = AccessCode.objects.get(email="b@example.org")
    assert late.sent_count == 0
    assert send_invitations(wave_id=survey.wave.pk) == 1
    assert [to for to, _ in smtp.received] == ["a@example.org", "b@example.org"]


def test_reminders_are_not_sent_twice_on_one_day(world, survey, smtp, respondent):
    smtp.accept = 100
    services.invitations_add(actor=None, wave=survey.wave,
                             emails=["a@example.org", "b@example.org"])
    send_invitations(wave_id=survey.wave.pk)
    assert send_invitations(wave_id=survey.wave.pk, reminder=True) == 2
    assert send_invitations(wave_id=survey.wave.pk, reminder=True) == 0  # not again today
    subjects = [content.split("Subject: ")[1].split("\n")[0] for _, content in smtp.received]
    assert sum("Erinnerung" in s or "Reminder" in s for s in subjects) == 2
