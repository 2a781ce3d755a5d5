"""Writing the audit log. Every service that changes something calls log_action() with an
`AuditAction` and a `note()` (a translated template, core/notes.py) – never free English text
or the str() of an internal object, so that the log reads well in German and in English and
its filter finds every action."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditAction, AuditEntry
from .notes import Note, label_of


def _display(value: Any) -> Any:
    if isinstance(value, models.Model):
        return label_of(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


#: services that write but are deliberately not audited, each with its reason (@unaudited)
UNAUDITED: dict = {}


def unaudited(reason: str):
    """Mark a service that writes without an audit entry, and say why (the audit walk in
    tests/audit_walk.py checks every other service)."""
    def mark(function):
        UNAUDITED[function] = reason
        return function
    return mark


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed, JSON-friendly."""
    return {
        key: [_display(before.get(key)), _display(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    summary: Note | None = None,
    changes: dict | None = None,
    programme_id: int | None = None,
    municipality_id: int | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` to `obj`. The tenant scope comes from obj.audit_scope."""
    if action not in AuditAction.values:
        raise ValueError(f"{action!r} is not an AuditAction")
    if summary and not isinstance(summary, Note):
        raise TypeError("an audit summary is a note(gettext_noop(...), ...), not free text")
    scope = dict(getattr(obj, "audit_scope", None) or {})
    if programme_id is not None:
        scope["programme_id"] = programme_id
    if municipality_id is not None:
        scope["municipality_id"] = municipality_id
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=(getattr(actor, "email", "") if is_person else "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=label_of(obj)[:300] if obj is not None else "",
        summary=summary.english()[:500] if summary else "",
        message=summary.template[:200] if summary else "",
        params=summary.params if summary else {},
        changes=changes or {},
        programme_id=scope.get("programme_id"),
        municipality_id=scope.get("municipality_id"),
    )


def instance_update(*, actor, instance: models.Model, fields: dict[str, Any],
                    summary: Note | None = None) -> dict[str, list[Any]]:
    """Apply `fields` to `instance`, validate, save and audit. Returns the recorded changes."""
    before = {name: getattr(instance, name) for name in fields}
    changes = diff(before, fields)
    if not changes:  # nothing to save, nothing to record
        return changes
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    log_action(actor=actor, action=AuditAction.UPDATE, obj=instance, changes=changes,
               summary=summary)
    return changes


def instance_create(*, actor, instance: models.Model,
                    summary: Note | None = None) -> models.Model:
    """Validate, save and audit a new object."""
    instance.full_clean()
    instance.save()
    log_action(actor=actor, action=AuditAction.CREATE, obj=instance, summary=summary)
    return instance


def instance_delete(*, actor, instance: models.Model, summary: Note | None = None) -> None:
    """Audit, then delete an object (the entry keeps its description)."""
    log_action(actor=actor, action=AuditAction.DELETE, obj=instance, summary=summary)
    instance.delete()
