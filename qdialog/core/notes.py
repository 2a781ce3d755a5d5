"""Audit summaries as translated templates.

A service writes `note(gettext_noop("%(count)s invitations sent"), count=12)`; the entry keeps
the untranslated template and its values, and the audit page renders them in the reader's
language. Values are numbers, names the person typed (a municipality, a standard's title) or
labels of choices (`Role.PARTICIPANT.label`), which are translated when shown as well – never
the `str()` of an internal object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, override


@dataclass(frozen=True)
class Note:
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        with override("en"):
            return render_note(self.template, self.params)


def _param(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazily translated label: kept untranslated
        args = getattr(value, "_args", ())
        return {"msgid": args[0]} if args and isinstance(args[0], str) else str(value)
    if isinstance(value, models.Choices):
        return _param(value.label)
    if isinstance(value, models.Model):
        return label_of(value)
    if isinstance(value, (list, tuple)):
        return [_param(v) for v in value]
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def _shown(value: Any) -> Any:
    if isinstance(value, dict) and "msgid" in value:
        return gettext(value["msgid"])
    if isinstance(value, list):
        return ", ".join(str(_shown(v)) for v in value)
    return value


def field_labels(model, names) -> list:
    """The (translatable) labels of a model's fields, for notes that list changed fields."""
    labels = []
    for name in names:
        try:
            labels.append(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - not a model field (e.g. a relation set by hand)
            labels.append(name)
    return labels


def note(template: str, /, **params: Any) -> Note:
    """A summary: `template` marked with gettext_noop, `params` its %(name)s values."""
    return Note(template, {key: _param(value) for key, value in params.items()})


def render_note(template: str, params: dict[str, Any]) -> str:
    values = {key: _shown(v) for key, v in (params or {}).items()}
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):  # a template changed since the entry was written
        return template


def label_of(obj: models.Model) -> str:
    """How an object is named in the audit log: its own label, never Django's
    "Model object (4)" (every audited model defines __str__; tests/core check it)."""
    label = getattr(obj, "audit_label", None)
    if label:
        return str(label)
    if type(obj).__str__ is models.Model.__str__:
        return f"{obj._meta.verbose_name} {obj.pk}"
    return str(obj)
