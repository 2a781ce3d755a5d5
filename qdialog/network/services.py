"""Writes of the network app, each in one transaction with its audit entry."""

from __future__ import annotations

import posixpath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, instance_delete, log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note

from . import selectors
from .models import ContactPerson, Relation, RelationKind

STRENGTHS = dict(Relation._meta.get_field("strength").flatchoices)

#: what an edit may change; the pair itself stays (remove the relation and record another)
EDITABLE = ("kind", "strength", "since", "last_reviewed", "agreement")


class PairExists(ValidationError):
    """The two organisations already have a relation (in either direction)."""

    def __init__(self, relation: Relation):
        super().__init__(_("A relation between these two organisations already exists."),
                         code="pair_exists")
        self.relation = relation


def relation_create(*, actor, municipality, fields: dict) -> Relation:
    """Record a relation. One relation per pair: if the two organisations already have one, in
    either direction, PairExists names it and nothing is stored."""
    fields = {k: v for k, v in fields.items() if not (k == "agreement" and not v)}
    relation = Relation(municipality=municipality, **fields)
    existing = selectors.pair_relation(municipality=municipality, first=relation.source_id,
                                       second=relation.target_id)
    if existing is not None:
        raise PairExists(existing)
    relation.full_clean()
    try:
        with transaction.atomic():
            return instance_create(actor=actor, instance=relation, summary=note(
                gettext_noop("%(kind)s, %(strength)s"), kind=RelationKind(relation.kind).label,
                strength=STRENGTHS.get(relation.strength, relation.strength)))
    except IntegrityError:  # recorded at the same moment by someone else
        existing = selectors.pair_relation(municipality=municipality, first=relation.source_id,
                                           second=relation.target_id)
        if existing is None:
            raise
        raise PairExists(existing) from None


def _shown(relation: Relation, name: str):
    value = getattr(relation, name)
    if name == "agreement":
        return posixpath.basename(value.name) if value else ""
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def relation_update(*, actor, relation: Relation, fields: dict) -> dict:
    """Change a relation's kind, strength, dates or agreement document; the audit entry keeps
    old and new values (the relation's history). Returns the changes ({} when none)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fields = dict(fields)
    if "agreement" in fields and not fields["agreement"]:
        fields["agreement"] = ""  # cleared (the form's False)
    before = {name: _shown(relation, name) for name in fields}
    old_file = relation.agreement.name if "agreement" in fields else ""
    for name, value in fields.items():
        setattr(relation, name, value)
    relation.full_clean()
    uploaded = "agreement" in fields and fields["agreement"] \
        and not isinstance(fields["agreement"], FieldFile)  # a new document, maybe same name
    changed = [name for name in fields if _shown(relation, name) != before[name]
               or (name == "agreement" and uploaded)]
    if not changed:
        return {}
    relation.save()
    changes = {name: [before[name], _shown(relation, name)] for name in changed}
    # the changes name each field with its old and new value: no summary needed on top
    log_action(actor=actor, action=AuditAction.UPDATE, obj=relation, changes=changes)
    if old_file and old_file != relation.agreement.name:  # the replaced document goes
        storage = relation.agreement.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return changes


def relation_delete(*, actor, relation: Relation) -> None:
    with transaction.atomic():
        document = relation.agreement.name
        storage = relation.agreement.storage
        instance_delete(actor=actor, instance=relation)
        if document:
            transaction.on_commit(lambda: storage.delete(document))


def contact_create(*, actor, organisation, fields: dict) -> ContactPerson:
    with transaction.atomic():
        return instance_create(actor=actor,
                               instance=ContactPerson(organisation=organisation, **fields))


def contact_delete(*, actor, contact: ContactPerson) -> None:
    with transaction.atomic():
        instance_delete(actor=actor, instance=contact)
