"""Writes for processes, phases and groups; each audited."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, instance_delete, instance_update, log_action
from qdialog.core.notes import note
from qdialog.tenancy.models import Cluster

from .models import (
    DEFAULT_PHASES,
    AgendaItem,
    Decision,
    Event,
    Group,
    GroupMember,
    Invitation,
    Phase,
    Process,
)


@transaction.atomic
def process_create(*, actor, fields: dict, municipality=None, cluster=None) -> Process:
    """A process of a municipality or of a cluster, with the dialogic phase model as its
    (editable) phases."""
    if (municipality is None) == (cluster is None):
        raise ValueError("a process belongs to a municipality or to a cluster")
    process = instance_create(actor=actor, instance=Process(
        municipality=municipality, cluster=cluster, **fields))
    Phase.objects.bulk_create(Phase(process=process, position=i, kind=kind, title=kind.label)
                              for i, kind in enumerate(DEFAULT_PHASES))
    return process


@transaction.atomic
def process_update(*, actor, process: Process, fields: dict) -> dict:
    return instance_update(actor=actor, instance=process, fields=fields)


@transaction.atomic
def phase_save(*, actor, process: Process, fields: dict, phase: Phase | None = None) -> Phase:
    if phase is None:
        position = process.phases.count()
        return instance_create(actor=actor, instance=Phase(process=process, position=position,
                                                           **fields))
    instance_update(actor=actor, instance=phase, fields=fields)
    return phase


@transaction.atomic
def phase_delete(*, actor, phase: Phase) -> None:
    instance_delete(actor=actor, instance=phase)


@transaction.atomic
def group_save(*, actor, process: Process, fields: dict, group: Group | None = None) -> Group:
    if group is None:
        return instance_create(actor=actor, instance=Group(process=process, **fields))
    instance_update(actor=actor, instance=group, fields=fields)
    return group


@transaction.atomic
def group_member_add(*, actor, group: Group, organisation, person=None, role="") -> GroupMember:
    if not group.process.organisations().filter(pk=organisation.pk).exists():
        raise ValidationError(_("The organisation does not take part in this process."))
    if GroupMember.objects.filter(group=group, organisation=organisation,
                                  person=person).exists():
        raise ValidationError(_("This organisation (and person) is already in the group."))
    member = GroupMember.objects.create(group=group, organisation=organisation, person=person,
                                        role=role)
    log_action(actor=actor, action="create", obj=member,
               summary=note(gettext_noop("member of %(group)s"), group=group))
    return member


@transaction.atomic
def group_member_remove(*, actor, member: GroupMember) -> None:
    instance_delete(actor=actor, instance=member,
                    summary=note(gettext_noop("left %(group)s"), group=member.group))


# --- events ------------------------------------------------------------------------------------

@transaction.atomic
def event_save(*, actor, process: Process, fields: dict, event: Event | None = None) -> Event:
    if event is None:
        return instance_create(actor=actor, instance=Event(process=process, **fields))
    instance_update(actor=actor, instance=event, fields=fields)
    return event


@transaction.atomic
def agenda_add(*, actor, event: Event, fields: dict) -> AgendaItem:
    return instance_create(actor=actor, instance=AgendaItem(event=event, **fields))


@transaction.atomic
def event_invite(*, actor, event: Event, organisations, contacts=()) -> int:
    """Invite organisations and business contacts of the municipality (or of the cluster's
    municipalities); a contact's organisation is invited with them. Already invited ones are
    left as they are."""
    contacts = list(contacts)
    wanted = {o.pk: o for o in organisations} | {c.organisation_id: c.organisation
                                                 for c in contacts}
    known = set(event.invitations.values_list("organisation_id", flat=True))
    new = [o for pk, o in wanted.items() if pk not in known]
    allowed = set(event.process.organisations().filter(pk__in=list(wanted)).values_list(
        "pk", flat=True))
    if set(wanted) - allowed:
        raise ValidationError(_("The organisation does not take part in this process."))
    Invitation.objects.bulk_create(Invitation(event=event, organisation=o) for o in new)
    by_organisation = {i.organisation_id: i for i in event.invitations.all()}
    for contact in contacts:
        by_organisation[contact.organisation_id].contacts.add(contact)
    if new or contacts:
        log_action(actor=actor, action="invite", obj=event, summary=note(
            gettext_noop("%(organisations)s organisations and %(people)s people invited"),
            organisations=len(new), people=len(contacts)))
    return len(new)


@transaction.atomic
def decision_add(*, actor, event: Event, text: str) -> Decision:
    return instance_create(actor=actor, instance=Decision(event=event, text=text.strip()))


FEED_SALT = "qdialog.calendar-feed"


def feed_token(user, owner) -> str:
    """The personal, signed token of a calendar subscription of a municipality's or a cluster's
    events (checked again on each request). It is the same on every page view, so the address
    a person subscribed to stays valid (and a calendar app need not be told again)."""

    key = "c" if isinstance(owner, Cluster) else "m"
    return signing.Signer(salt=FEED_SALT).sign_object({"u": user.pk, key: owner.pk})


def feed_token_read(token: str) -> dict | None:
    """The content of a feed token, or None. Addresses handed out before the token became
    stable (timestamped by signing.dumps: one more `:` part) keep working."""
    try:
        if token.count(":") == 2:
            return signing.loads(token, salt=FEED_SALT)
        return signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None


@transaction.atomic
def decision_link_standard(*, actor, decision: Decision, standard) -> None:
    """Link a decision to the standard (or agreement) it concerns, or unlink it (None)."""
    process = decision.event.process
    if standard is not None and standard.municipality_id != process.municipality_id:
        raise ValidationError(_("The standard belongs to another municipality."))
    decision.standard = standard
    decision.save(update_fields=["standard"])
    log_action(actor=actor, action="update", obj=decision.event,
               summary=note(gettext_noop("decision linked to standard %(standard)s"),
                            standard=standard.title if standard else "–"))


def profile_export_pdf(*, actor, process: Process, data) -> bytes:
    """The community profile as PDF, recorded in the audit log."""
    from weasyprint import HTML

    pdf = HTML(string=render_to_string("processes/profile_pdf.html", {"p": data})).write_pdf()
    log_action(actor=actor, action="export", obj=process,
               summary=note(gettext_noop("profile as PDF")))
    return pdf
