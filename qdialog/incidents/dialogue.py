"""A two-way dialogue with the anonymous reporter: the reviewers ask a question, the reporter
reads it with the follow-up code and answers, still without an account.

What is kept of a message is its text, its date (not the time), a random key and its place in
the conversation; the reporter's answers are not audited (an entry's timestamp would give the
moment), and like new reports they are rewritten in a random order, so the database's own
order of rows does not give the moment either. Both sides' texts pass the identifier check
before they are stored."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action, unaudited
from qdialog.core.notes import note

from .models import TEXT_LIMIT, IncidentReport, IncidentStatus, MessageAuthor, ReportMessage


def _append(report: IncidentReport, author: str, text: str, **extra) -> ReportMessage:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message first."))
    if len(text) > TEXT_LIMIT:
        raise ValidationError(_("Please keep the message under %(n)s characters.")
                              % {"n": TEXT_LIMIT})
    # the report's row is locked, so two messages at once get different places
    IncidentReport.objects.select_for_update().filter(pk=report.pk).first()
    last = report.messages.aggregate(m=Max("position"))["m"] or 0
    return ReportMessage.objects.create(report=report, position=last + 1, author=author,
                                        text=text, sent_on=timezone.localdate(), **extra)


@transaction.atomic
def question_ask(*, actor, report: IncidentReport, text: str) -> ReportMessage:
    """The reviewers ask the reporter something (shown on the follow-up page)."""
    if report.status == IncidentStatus.CLOSED:
        raise ValidationError(_("The report is closed; the reporter can no longer be asked."))
    message = _append(report, MessageAuthor.REVIEWERS, text)
    log_action(actor=actor, action="update", obj=report,
               summary=note(gettext_noop("question to the reporter")))
    return message


def can_answer(report: IncidentReport) -> bool:
    return report.status != IncidentStatus.CLOSED and report.messages.filter(
        author=MessageAuthor.REVIEWERS).exists()


@unaudited("the reporter's answer: an audit entry would tie it to a moment")
def answer_give(*, report: IncidentReport, text: str) -> ReportMessage:
    """The reporter answers with the follow-up code (no account, no actor)."""
    with transaction.atomic():
        if not can_answer(report):
            raise ValidationError(_("There is no question to answer."))
        message = _append(report, MessageAuthor.REPORTER, text, unread=True)
    answers_mix(system_id=report.system_id)
    return message


@unaudited("only the order of anonymous answers changes: nothing a person did")
def answers_mix(*, system_id) -> int:
    """Rewrite the system's unread answers in a random order in one transaction (see
    services.reports_mix for why)."""
    with transaction.atomic():
        ids = list(ReportMessage.objects.filter(report__system_id=system_id, unread=True)
                   .values_list("pk", flat=True))
        secrets.SystemRandom().shuffle(ids)
        for pk in ids:
            ReportMessage.objects.filter(pk=pk).update(sent_on=F("sent_on"))
    return len(ids)


@unaudited("opening the report is audited once, by services.report_open")
def answers_read(*, report: IncidentReport) -> int:
    return report.messages.filter(unread=True).update(unread=False)
