"""Writes for processes, phases and groups; each audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qdialog.core.audit import instance_create, instance_delete, instance_update, log_action

from .models import DEFAULT_PHASES, Group, GroupMember, Phase, Process


@transaction.atomic
def process_create(*, actor, municipality, fields: dict) -> Process:
    """A process with the dialogic phase model as its (editable) phases."""
    process = instance_create(actor=actor, instance=Process(municipality=municipality,
                                                            **fields))
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
    if organisation.municipality_id != group.process.municipality_id:
        raise ValidationError(_("The organisation belongs to another municipality."))
    if GroupMember.objects.filter(group=group, organisation=organisation,
                                  person=person).exists():
        raise ValidationError(_("This organisation (and person) is already in the group."))
    member = GroupMember.objects.create(group=group, organisation=organisation, person=person,
                                        role=role)
    log_action(actor=actor, action="create", obj=member, summary=f"member of {group}")
    return member


@transaction.atomic
def group_member_remove(*, actor, member: GroupMember) -> None:
    instance_delete(actor=actor, instance=member, summary=f"left {member.group}")
