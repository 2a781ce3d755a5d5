"""Writes to a category system (Kategoriensystem): codes added, edited, renamed, moved, merged
and split. Each step raises the system's version, leaves a `CodeChange` for its history and an
audit entry, in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note

from .models import COLOURS, CategorySystem, ChangeKind, Code, CodeChange, Coding, Memo

EDITABLE = ("name", "definition", "anchor_example", "coding_rule", "colour", "origin")


def _step(*, actor, system: CategorySystem, kind: str, code: Code | None, **detail) -> None:
    CategorySystem.objects.filter(pk=system.pk).update(version=F("version") + 1)
    system.refresh_from_db(fields=["version"])
    CodeChange.objects.create(system=system, version=system.version, kind=kind, code=code,
                              detail=detail, actor=actor)


def _check_parent(system, parent, code=None):
    if parent is None:
        return
    if parent.system_id != system.pk or not parent.active:
        raise ValidationError({"parent": _("Choose a code of this category system.")})
    node = parent
    while node is not None:
        if code is not None and node.pk == code.pk:
            raise ValidationError({"parent": _("A code cannot sit below itself.")})
        node = node.parent


def _check_name(system, name, parent, exclude=None):
    same = Code.objects.filter(system=system, parent=parent, active=True, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationError({"name": _("There already is a code of this name at this place.")})


@transaction.atomic
def system_create(*, actor, programme, name: str, description: str = "") -> CategorySystem:
    system = CategorySystem(programme=programme, name=name.strip(), description=description)
    system.full_clean()
    system.save()
    log_action(actor=actor, action=AuditAction.CREATE, obj=system,
               summary=note(gettext_noop("category system %(name)s set up"), name=system.name))
    return system


@transaction.atomic
def code_create(*, actor, system: CategorySystem, name: str, parent: Code | None = None,
                municipality=None, **fields) -> Code:
    """A new code; `municipality` makes it a local addition of that municipality."""
    name = (name or "").strip()
    _check_parent(system, parent)
    _check_name(system, name, parent)
    position = (Code.objects.filter(system=system, parent=parent).aggregate(m=Max("position"))[
        "m"] or 0) + 1
    count = Code.objects.filter(system=system).count()
    fields.setdefault("colour", COLOURS[count % len(COLOURS)])
    code = Code(system=system, parent=parent, name=name, municipality=municipality,
                position=position, **{k: v for k, v in fields.items() if k in EDITABLE})
    code.full_clean()
    code.save()
    _step(actor=actor, system=system, kind=ChangeKind.CREATE, code=code, name=code.name,
          local=code.is_local)
    log_action(actor=actor, action=AuditAction.CREATE, obj=code,
               summary=note(gettext_noop("code %(name)s added"), name=code.name))
    return code


@transaction.atomic
def code_update(*, actor, code: Code, parent: Code | None = None, **fields) -> Code:
    """Change a code's wording or place; a new name is recorded as a rename, a new parent as a
    move, anything else as a change of its definition."""
    system = code.system
    before = {name: getattr(code, name) for name in EDITABLE}
    old_parent = code.parent
    fields = {k: v for k, v in fields.items() if k in EDITABLE}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    _check_parent(system, parent, code)
    _check_name(system, fields.get("name", code.name), parent, exclude=code)
    for name, value in fields.items():
        setattr(code, name, value)
    code.parent = parent
    code.full_clean()
    code.save()
    changes = {k: [before[k], v] for k, v in fields.items() if before[k] != v}
    if "name" in changes:
        _step(actor=actor, system=system, kind=ChangeKind.RENAME, code=code,
              old=before["name"], new=code.name)
    if (old_parent.pk if old_parent else None) != (parent.pk if parent else None):
        _step(actor=actor, system=system, kind=ChangeKind.MOVE, code=code, name=code.name,
              old=old_parent.name if old_parent else "", new=parent.name if parent else "")
    if set(changes) - {"name"}:
        _step(actor=actor, system=system, kind=ChangeKind.EDIT, code=code, name=code.name,
              fields=sorted(set(changes) - {"name"}))
    if changes or old_parent != parent:
        log_action(actor=actor, action=AuditAction.UPDATE, obj=code, changes=changes,
                   summary=note(gettext_noop("code %(name)s changed"), name=code.name))
    return code


@transaction.atomic
def codes_merge(*, actor, target: Code, sources: list[Code]) -> Code:
    """Merge codes into `target`: their codings, memos and sub-codes move to it, they stay in
    the history as merged."""
    sources = [c for c in sources if c.pk != target.pk]
    if not sources:
        raise ValidationError({"sources": _("Choose at least one other code to merge.")})
    if any(c.system_id != target.system_id or not c.active for c in sources):
        raise ValidationError({"sources": _("Choose codes of this category system.")})
    node = target
    while node is not None:
        if node.pk in {c.pk for c in sources}:
            raise ValidationError({"sources": _("A code cannot be merged into its own sub-code.")})
        node = node.parent
    ids = [c.pk for c in sources]
    Coding.objects.filter(code_id__in=ids).update(code=target)
    Memo.objects.filter(code_id__in=ids).update(code=target)
    Code.objects.filter(parent_id__in=ids).update(parent=target)
    Code.objects.filter(pk__in=ids).update(active=False, merged_into=target)
    _step(actor=actor, system=target.system, kind=ChangeKind.MERGE, code=target,
          into=target.name, merged=[c.name for c in sources])
    log_action(actor=actor, action=AuditAction.UPDATE, obj=target, summary=note(
        gettext_noop("codes %(merged)s merged into %(name)s"),
        merged=", ".join(c.name for c in sources), name=target.name))
    return target


@transaction.atomic
def code_split(*, actor, code: Code, names: list[str], keep_codings_in: int = 0) -> list[Code]:
    """Split a code into new codes beside it. Its codings go to the new code at position
    `keep_codings_in` (the coders then re-sort them); the old code stays in the history."""
    names = [n.strip() for n in names if n.strip()]
    if len(names) < 2:
        raise ValidationError({"names": _("Give at least two names to split into.")})
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError({"names": _("The new codes need different names.")})
    system = code.system
    Code.objects.filter(pk=code.pk).update(active=False)
    code.active = False
    created = []
    for name in names:
        _check_name(system, name, code.parent)
        new = Code(system=system, parent=code.parent, name=name, municipality=code.municipality,
                   definition=code.definition, coding_rule=code.coding_rule, origin=code.origin,
                   colour=COLOURS[(len(created) + code.position) % len(COLOURS)],
                   position=code.position)
        new.full_clean()
        new.save()
        created.append(new)
    heir = created[min(max(keep_codings_in, 0), len(created) - 1)]
    Coding.objects.filter(code=code).update(code=heir)
    Code.objects.filter(parent=code).update(parent=heir)
    Code.objects.filter(pk=code.pk).update(merged_into=heir)
    _step(actor=actor, system=system, kind=ChangeKind.SPLIT, code=code, name=code.name,
          into=names, codings_to=heir.name)
    log_action(actor=actor, action=AuditAction.UPDATE, obj=code, summary=note(
        gettext_noop("code %(name)s split into %(names)s"), name=code.name,
        names=", ".join(names)))
    return created
