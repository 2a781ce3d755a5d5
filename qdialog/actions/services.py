"""Writes for the action plan; each audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, instance_update, log_action
from qdialog.core.notes import note as audit_note
from qdialog.notifications.models import Kind
from qdialog.notifications.services import notify, notify_mentions
from qdialog.tenancy.selectors import members_of

from . import csvio, selectors
from .models import Action, ActionStatus, Origin, ProgressNote

ORIGIN_FIELDS = {"decision": Origin.DECISION, "recommendation": Origin.CASE_REVIEW,
                 "report": Origin.REPORT, "wave": Origin.SURVEY, "standard": Origin.STANDARD,
                 "code": Origin.QUALITATIVE, "coding": Origin.QUALITATIVE}


@transaction.atomic
def action_create(*, actor, municipality, fields: dict, **origin) -> Action:
    """A new action; `origin` may name the decision, case-review recommendation, near-miss
    report or survey wave it comes from (each must belong to the same municipality)."""
    action = Action(municipality=municipality, **fields)
    if origin.get("coding") is not None:  # a passage: its code is the origin too
        origin.setdefault("code", origin["coding"].code)
    for name, obj in origin.items():
        if obj is None:
            continue
        if name == "code" and obj.municipality_id is None:
            pass  # a code of the programme's category system serves every municipality
        elif _municipality_of(obj) != municipality.pk:
            raise ValidationError(_("The origin belongs to another municipality."))
        setattr(action, name, obj)
        action.origin = ORIGIN_FIELDS[name]
    _check_responsible(action)
    action = instance_create(actor=actor, instance=action,
                             summary=audit_note(gettext_noop("origin: %(origin)s"),
                                                origin=action.get_origin_display()))
    _tell_responsible(action, actor)
    return action


def _tell_responsible(action, actor) -> None:
    """The person a measure is assigned to hears of it (unless they assigned it themselves)."""
    if action.responsible_person_id:
        notify(users=[action.responsible_person], kind=Kind.ACTION_ASSIGNED, actor=actor,
               programme=action.municipality.programme,
               url=reverse("actions:detail", args=[action.pk]),
               template=gettext_noop("The measure „%(action)s“ was assigned to you"),
               action=action.title)


def _municipality_of(obj):
    if hasattr(obj, "document"):  # a passage of the qualitative analysis
        return obj.document.municipality_id
    if hasattr(obj, "event"):  # a decision
        process = obj.event.process
        return process.municipality_id
    if hasattr(obj, "review"):  # a recommendation
        return obj.review.municipality_id
    if hasattr(obj, "system"):  # a report
        return obj.system.municipality_id
    return obj.municipality_id  # a wave


def _check_responsible(action):
    organisation = action.responsible_organisation
    if organisation is not None and organisation.municipality_id != action.municipality_id:
        raise ValidationError(_("The organisation belongs to another municipality."))


@transaction.atomic
def action_update(*, actor, action: Action, fields: dict) -> dict:
    status_before = action.status
    person_before = action.responsible_person_id
    for name, value in fields.items():
        setattr(action, name, value)
    _check_responsible(action)
    action.refresh_from_db(fields=list(fields))
    changes = instance_update(actor=actor, instance=action, fields=fields)
    if action.responsible_person_id != person_before:
        _tell_responsible(action, actor)
    if action.status != status_before:
        ProgressNote.objects.create(action=action, author=actor, status_from=status_before,
                                    status_to=action.status)
    return changes


@transaction.atomic
def progress_record(*, actor, action: Action, text: str, status: str | None = None) -> ProgressNote:
    """A progress note, optionally with a change of status; the history keeps both."""
    text = (text or "").strip()
    new_status = status if status and status != action.status else ""
    if not text and not new_status:
        raise ValidationError(_("Write a note or change the status."))
    note = ProgressNote.objects.create(action=action, author=actor, text=text,
                                       status_from=action.status if new_status else "",
                                       status_to=new_status)
    if new_status:
        action.status = new_status
        action.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="update", obj=action,
               summary=audit_note(gettext_noop("progress note, status %(status)s"),
                                  status=ActionStatus(new_status).label) if new_status
               else audit_note(gettext_noop("progress note")))
    if text:
        notify_mentions(text=text, actor=actor, programme=action.municipality.programme,
                        url=reverse("actions:detail", args=[action.pk]), where=action.title,
                        candidates=[m.user for m in members_of(municipality=action.municipality)])
    return note


def plan_export(*, actor, municipality, fmt: str) -> bytes:
    """The municipality's action plan as CSV or XLSX, recorded in the audit log."""
    actions = selectors.plan(municipality)
    if fmt == csvio.XLSX:
        body = csvio.export_xlsx(actions, municipality)
        summary = audit_note(gettext_noop("action plan as XLSX"))
    else:
        body = csvio.export_csv(actions).encode("utf-8")
        summary = audit_note(gettext_noop("action plan as CSV"))
    log_action(actor=actor, action="export", obj=municipality, summary=summary)
    return body


@transaction.atomic
def plan_import(*, actor, municipality, actions: list[Action], kind: str) -> int:
    """Store the actions an import file described (csvio.parse), all of them at once."""
    for action in actions:
        if action.municipality_id != municipality.pk:
            raise ValidationError(_("The actions belong to another municipality."))
        _check_responsible(action)
    Action.objects.bulk_create(actions)
    template = (gettext_noop("%(count)s actions imported from XLSX") if kind == csvio.XLSX
                else gettext_noop("%(count)s actions imported from CSV"))
    log_action(actor=actor, action="import", obj=municipality,
               summary=audit_note(template, count=len(actions)))
    return len(actions)


@transaction.atomic
def action_move(*, actor, action: Action, status: str) -> ProgressNote:
    """Move an action to another column of the board: a change of status, kept in its history
    and the audit log like any other (progress_record)."""
    if status not in ActionStatus.values:
        raise ValidationError(_("„%(status)s“ is not a status.") % {"status": status})
    if status == action.status:
        raise ValidationError(_("The action is already in „%(status)s“.")
                              % {"status": action.get_status_display()})
    return progress_record(actor=actor, action=action, text="", status=status)
