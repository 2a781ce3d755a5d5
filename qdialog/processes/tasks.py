"""Sending an event's invitations, changes and cancellations in the background (django-tasks).

An invitation is marked with the event's `sequence` as soon as its e-mails went out, so a run
that stops halfway (the mail server refuses, the worker dies) can be started again and sends
only the rest. Each run is recorded (`InvitationRun`) with its progress, shown on the event
page, and logged with its context (never an address)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.core.scoping import unscoped
from qdialog.notifications.models import Kind
from qdialog.notifications.services import notify
from qdialog.tenancy.models import Membership

from . import calendar, invitations
from .models import Event, Invitation, InvitationRun, MailKind, MailStatus, Registration

log = logging.getLogger(__name__)
SUBJECTS = {MailKind.INVITATION: gettext_noop("Invitation: %(title)s"),
            MailKind.UPDATE: gettext_noop("Changed: %(title)s"),
            MailKind.CANCELLATION: gettext_noop("Cancelled: %(title)s")}
_SENT = {MailKind.INVITATION: gettext_noop("invitations sent to %(count)s organisations"),
         MailKind.UPDATE: gettext_noop("the change sent to %(count)s organisations"),
         MailKind.CANCELLATION: gettext_noop("the cancellation sent to %(count)s organisations")}


def _ics(event, kind) -> bytes:
    method = "CANCEL" if kind == MailKind.CANCELLATION else "REQUEST"
    return calendar.calendar([event], str(event), method=method).to_ical()


def _message(event, kind, to, context, connection) -> EmailMessage:
    body = render_to_string("processes/email/invitation.txt", {
        "event": event, "kind": kind, "agenda": list(event.agenda.all()), **context})
    message = EmailMessage(_(SUBJECTS[kind]) % {"title": event.title}, body, to=to,
                           connection=connection)
    method = "CANCEL" if kind == MailKind.CANCELLATION else "REQUEST"
    message.attach(f"event-{event.pk}.ics", _ics(event, kind),
                   f"text/calendar; charset=utf-8; method={method}")
    return message


def send_event_mail(event_id: int, kind: str, actor_id: int | None = None) -> int:
    """Send `kind` to every invitation still due; returns how many organisations it reached."""
    event = Event.objects.select_related("process").get(pk=event_id)
    pks = list(invitations.due(event, kind).values_list("pk", flat=True))  # read once
    run = InvitationRun.objects.create(event=event, kind=kind, total=len(pks))
    base = settings.QDIALOG_BASE_URL.rstrip("/")
    try:
        with get_connection() as connection, translation.override(settings.LANGUAGE_CODE):
            for invitation in invitations.due(event, kind).filter(pk__in=pks):
                to = invitations.addresses(invitation)
                if not to:
                    continue  # shown on the event page: the organisation has no address
                link = base + reverse("processes:reply", args=[
                    invitations.reply_token(invitation)])
                _message(event, kind, to, {"organisation": invitation.organisation,
                                           "link": link}, connection).send()
                type(invitation).objects.filter(pk=invitation.pk).update(
                    sent_sequence=event.sequence)
                InvitationRun.objects.filter(pk=run.pk).update(sent=F("sent") + 1)
    except Exception as error:  # noqa: BLE001 - recorded, shown and logged with its context
        run.refresh_from_db()
        log.exception("%s mail of event %s stopped after %s of %s organisations",
                      kind, event.pk, run.sent, run.total)
        InvitationRun.objects.filter(pk=run.pk).update(
            status=MailStatus.FAILED, error=f"{type(error).__name__}: {error}"[:300],
            finished_at=timezone.now())
    else:
        InvitationRun.objects.filter(pk=run.pk).update(status=MailStatus.DONE,
                                                       finished_at=timezone.now())
    run.refresh_from_db()
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    log_action(actor=actor, action="invite", obj=event,
               summary=note(_SENT[kind], count=run.sent))
    _notify_members(event, kind, pks, actor)
    return run.sent


_NOTICES = {MailKind.INVITATION: gettext_noop("You are invited: %(event)s on %(date)s"),
            MailKind.UPDATE: gettext_noop("Changed: %(event)s, now on %(date)s"),
            MailKind.CANCELLATION: gettext_noop("Cancelled: %(event)s on %(date)s")}


def _notify_members(event, kind, invitation_pks, actor) -> None:
    """The people in qdialog who belong to an invited organisation hear of it too."""
    organisations = Invitation.objects.filter(pk__in=invitation_pks).values("organisation_id")
    people = [m.user for m in Membership.objects.filter(
        organisation_id__in=organisations, programme_id=event.process.programme_id)
        .select_related("user")]
    notify(users=people, kind=Kind.INVITATION, programme=event.process.programme,
           actor=actor, url=reverse("processes:event", args=[event.pk]),
           template=_NOTICES[kind], event=event.title,
           date=formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT"))


@task()
@unscoped("a background task acts on what an authorised service queued")
def send_event_mail_task(event_id: int, kind: str, actor_id: int | None = None):
    return send_event_mail(event_id, kind, actor_id)


@unscoped("sent right after the registration it confirms was stored")
def registration_confirm(registration_id: int) -> None:
    """The confirmation of a registration, with the .ics; a failure is logged, not shown to the
    person registering (their registration is stored either way)."""
    registration = Registration.objects.select_related("event").filter(
        pk=registration_id).first()
    if registration is None or not registration.email:
        return
    event = registration.event
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _message(event, MailKind.INVITATION, [registration.email],
                     {"registration": registration}, None).send()
    except Exception:  # noqa: BLE001 - the registration stands; the operator sees the log
        log.exception("confirmation of a registration for event %s not sent", event.pk)
