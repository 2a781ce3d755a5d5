"""Invitations to events that reach people, and the replies that come back.

- Invitations go out by e-mail in the background (tasks.py): to the organisation's contact
  address and to the invited business contacts, with the agenda, an .ics attachment and a signed
  link on which the organisation answers (yes / maybe / no, how many people) without an account.
- A change of date, time or place, and a cancellation, go out again to everyone who received
  the invitation (iCalendar SEQUENCE counts the changes).
- Where the event allows it, people register themselves on its registration page. Their name
  and address are deleted with the programme's retention period for invitation addresses
  (shredders.py).
- Before the event the coverage view counts replies (accepted / declined / open), after it
  attendance (present / absent).
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.core.scoping import unscoped
from qdialog.tenancy.selectors import NETWORK_SYSTEMS

from .models import Event, Invitation, MailKind, Registration, Reply

REPLY_SALT = "qdialog.event-reply"
REGISTER_SALT = "qdialog.event-register"
#: the fields whose change is sent to everyone invited
ANNOUNCED = ("title", "starts_at", "ends_at", "place", "online_link")
MAX_PEOPLE = 500


def reply_token(invitation: Invitation) -> str:
    """The organisation's own, stable link to answer (it names only the invitation)."""
    return signing.Signer(salt=REPLY_SALT).sign_object({"i": invitation.pk})


def invitation_by_token(token: str) -> Invitation | None:
    try:
        data = signing.Signer(salt=REPLY_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    with unscoped("a signed reply link names its invitation; the view fences its programme"):
        return Invitation.objects.filter(pk=data.get("i")).select_related(
            "event__process", "organisation").first()


def registration_token(event: Event) -> str:
    return signing.Signer(salt=REGISTER_SALT).sign_object({"e": event.pk})


def event_by_registration_token(token: str) -> Event | None:
    try:
        data = signing.Signer(salt=REGISTER_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    with unscoped("a signed registration link names its event; the view fences its programme"):
        return Event.objects.filter(pk=data.get("e"), self_registration=True).select_related(
            "process__municipality", "process__cluster").first()


def is_over(event: Event) -> bool:
    return event.ends_at <= timezone.now()


def _open_for_replies(event: Event) -> None:
    if event.cancelled:
        raise ValidationError(_("The event has been cancelled."))
    if is_over(event):
        raise ValidationError(_("The event is over; replies are no longer taken."))


def _people(value) -> int:
    if value is None or not 0 <= int(value) <= MAX_PEOPLE:
        raise ValidationError(_("Enter a number of people between 0 and %(max)s.")
                              % {"max": MAX_PEOPLE})
    return int(value)


@transaction.atomic
def reply_record(*, invitation: Invitation, reply: str, announced: int) -> None:
    """The organisation's answer through its link (no account, so no actor)."""
    _open_for_replies(invitation.event)
    if reply not in (Reply.YES, Reply.MAYBE, Reply.NO):
        raise ValidationError(_("Choose whether you will come."))
    announced = 0 if reply == Reply.NO else _people(announced)
    invitation.reply, invitation.announced = reply, announced
    invitation.save(update_fields=["reply", "announced"])
    log_action(actor=None, action="update", obj=invitation.event, summary=note(
        gettext_noop("reply of %(organisation)s by link: %(reply)s"),
        organisation=invitation.organisation.name, reply=Reply(reply).label))


@transaction.atomic
def registration_create(*, event: Event, fields: dict) -> Registration:
    """Someone registers on the event's registration page. Choosing an organisation of the
    network counts as that organisation's acceptance."""
    if not event.self_registration:
        raise ValidationError(_("This event takes no registrations."))
    _open_for_replies(event)
    organisation = fields.pop("organisation", None)
    people = _people(fields.get("people", 1))
    invitation = None
    if organisation is not None:
        if not event.process.organisations().filter(pk=organisation.pk).exists():
            raise ValidationError(_("The organisation does not take part in this process."))
        invitation, _created = Invitation.objects.get_or_create(
            event=event, organisation=organisation)
        invitation.reply = Reply.YES
        invitation.announced += people
        invitation.save(update_fields=["reply", "announced"])
        fields["organisation_name"] = organisation.name
    registration = Registration(event=event, invitation=invitation, **fields)
    registration.full_clean()
    registration.save()
    log_action(actor=None, action="create", obj=event, summary=note(
        gettext_noop("registration on the registration page (%(people)s people)"),
        people=people))
    if registration.email:
        from . import tasks

        transaction.on_commit(lambda: tasks.registration_confirm(registration.pk))
    return registration


@transaction.atomic
def attendance_record(*, actor, event: Event, rows: dict[int, dict]) -> int:
    """{invitation id: {"reply", "announced", "attended", "participants"}}; returns how many
    invitations changed."""
    fields = ("reply", "announced", "attended", "participants")
    changed = 0
    for invitation in event.invitations.all():
        row = rows.get(invitation.pk)
        if row is None or all(getattr(invitation, f) == row[f] for f in fields):
            continue
        for name in fields:
            setattr(invitation, name, row[name])
        invitation.save(update_fields=list(fields))
        changed += 1
    if changed:
        log_action(actor=actor, action="update", obj=event, summary=note(
            gettext_noop("attendance of %(count)s organisations"), count=changed))
    return changed


def addresses(invitation: Invitation) -> list[str]:
    """Where an organisation's invitation goes: its contact address and its invited people."""
    found = [invitation.organisation.email] + [c.email for c in invitation.contacts.all()]
    return list(dict.fromkeys(a.strip().lower() for a in found if a and a.strip()))


def due(event: Event, kind: str):
    """The invitations a mailing of `kind` still has to reach."""
    invitations = event.invitations.select_related("organisation").prefetch_related("contacts")
    if kind == MailKind.INVITATION:
        return invitations.filter(sent_sequence__isnull=True)
    if kind == MailKind.UPDATE:
        return invitations.filter(sent_sequence__lt=event.sequence)
    return invitations.filter(sent_sequence__isnull=False)


def mail_queue(*, actor, event: Event, kind: str) -> int:
    """Queue the sending of `kind` to the invitations still due; returns how many."""
    from . import tasks

    if kind != MailKind.CANCELLATION and event.cancelled:
        raise ValidationError(_("The event has been cancelled."))
    if kind == MailKind.INVITATION and is_over(event):
        raise ValidationError(_("The event is over; invitations are no longer sent."))
    count = due(event, kind).count()
    if count:
        actor_id = actor.pk if actor else None
        transaction.on_commit(lambda: tasks.send_event_mail_task.enqueue(
            event_id=event.pk, kind=kind, actor_id=actor_id))
    return count


@transaction.atomic
def event_changed(*, actor, event: Event, changed: list[str]) -> int:
    """After an event was saved: a change people were told about goes out again."""
    if event.cancelled or not set(changed) & set(ANNOUNCED) or not \
            event.invitations.filter(sent_sequence__isnull=False).exists():
        return 0
    Event.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    event.sequence += 1
    return mail_queue(actor=actor, event=event, kind=MailKind.UPDATE)


@transaction.atomic
def event_cancel(*, actor, event: Event) -> int:
    """Call the event off; everyone who was invited hears of it."""
    if event.cancelled:
        raise ValidationError(_("The event has already been cancelled."))
    if is_over(event):
        raise ValidationError(_("The event is over and can no longer be cancelled."))
    event.cancelled = True
    event.sequence += 1
    event.save(update_fields=["cancelled", "sequence"])
    log_action(actor=actor, action="update", obj=event, summary=note(
        gettext_noop("event cancelled")))
    return mail_queue(actor=actor, event=event, kind=MailKind.CANCELLATION)


def coverage(event: Event) -> dict:
    """Which professional systems are there. Before the event by the replies (accepted /
    declined / open), after it by attendance (present / invited but absent); and which are in
    the network but not invited, or missing from the network altogether."""
    invitations = list(event.invitations.select_related("organisation"))
    invited = {i.organisation.professional_system for i in invitations}
    in_network = set(event.process.organisations().values_list(
        "professional_system", flat=True))
    result = {
        "over": is_over(event),
        "not_invited": [s for s in NETWORK_SYSTEMS if s in in_network and s not in invited],
        "missing": [s for s in NETWORK_SYSTEMS if s not in in_network and s.value != "other"],
    }
    if result["over"]:
        present = {i.organisation.professional_system for i in invitations if i.attended}
        result["present"] = [s for s in NETWORK_SYSTEMS if s in present]
        result["absent"] = [s for s in NETWORK_SYSTEMS if s in invited and s not in present]
    else:
        accepted = {i.organisation.professional_system for i in invitations
                    if i.reply == Reply.YES}
        pending = {i.organisation.professional_system for i in invitations
                   if i.reply in (Reply.OPEN, Reply.MAYBE)} - accepted
        result["accepted"] = [s for s in NETWORK_SYSTEMS if s in accepted]
        result["open"] = [s for s in NETWORK_SYSTEMS if s in pending]
        result["declined"] = [s for s in NETWORK_SYSTEMS
                              if s in invited and s not in accepted and s not in pending]
    return result
