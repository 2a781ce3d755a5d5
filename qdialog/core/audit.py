"""Writing the audit log. Every service that changes something calls log_action()."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def _display(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


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
    summary: str = "",
    changes: dict | None = None,
    programme_id: int | None = None,
    municipality_id: int | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` to `obj`. The tenant scope comes from obj.audit_scope."""
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
        object_repr=str(obj)[:300] if obj is not None else "",
        summary=summary[:500],
        changes=changes or {},
        programme_id=scope.get("programme_id"),
        municipality_id=scope.get("municipality_id"),
    )


def instance_update(*, actor, instance: models.Model, fields: dict[str, Any],
                    summary: str = "") -> dict[str, list[Any]]:
    """Apply `fields` to `instance`, validate, save and audit. Returns the recorded changes."""
    before = {name: getattr(instance, name) for name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    changes = diff(before, fields)
    if changes:
        log_action(actor=actor, action="update", obj=instance, changes=changes,
                   summary=summary or ", ".join(sorted(changes)))
    return changes


def instance_create(*, actor, instance: models.Model, summary: str = "") -> models.Model:
    """Validate, save and audit a new object."""
    instance.full_clean()
    instance.save()
    log_action(actor=actor, action="create", obj=instance, summary=summary)
    return instance


def instance_delete(*, actor, instance: models.Model, summary: str = "") -> None:
    """Audit, then delete an object (the entry keeps its description)."""
    log_action(actor=actor, action="delete", obj=instance, summary=summary)
    instance.delete()
