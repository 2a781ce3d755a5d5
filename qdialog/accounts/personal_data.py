"""A person's own data (DSGVO Art. 15 and 20), and deleting a person (Art. 17) while their
contributions stay, attributed to "deleted person"."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditEntry
from qdialog.core.notes import note
from qdialog.core.registry import person_data
from qdialog.core.scoping import unscoped
from qdialog.tenancy.models import Membership

DELETED = "deleted person"


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    """Everything stored about the person, as JSON-ready data – in every programme, also those
    they no longer hold a role in (their comments and entries stay there)."""
    with unscoped("a person's own data, selected by their account, in every programme"):
        return _collect(user)


def personal_data_export(*, actor) -> str:
    """The person's own data as a JSON document; the download is recorded in the audit log."""
    body = json.dumps(export(actor), ensure_ascii=False, indent=1)
    log_action(actor=actor, action="export", obj=actor,
               summary=note(gettext_noop("own personal data")))
    return body


def _collect(user) -> dict:
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": user.email, "name": user.display_name,
                    "preferred_language": user.preferred_language,
                    "joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
                    "two_factor": user.authenticator_set.exists()},
        "roles": [{"role": m.get_role_display(), "programme": str(m.programme),
                   "cluster": str(m.cluster or ""), "municipality": str(m.municipality or ""),
                   "organisation": str(m.organisation or "")}
                  for m in Membership.objects.filter(user=user).select_related(
                      "programme", "cluster", "municipality", "organisation")],
        "activity": [{"at": _iso(e.at), "action": e.action, "object": e.object_repr,
                      "summary": e.summary}
                     for e in AuditEntry.objects.filter(actor=user).order_by("-at")[:5000]],
    }
    for part in person_data:  # what the other apps hold (registered in their apps.py)
        data.update(part(user))
    return data


@transaction.atomic
def delete_person(user, *, operator_label: str = "") -> int:
    """Delete the account and its roles; what the person contributed (comments, notes, minutes,
    decisions, audit entries) stays, attributed to "deleted person". Returns the old id."""
    pk = user.pk
    AuditEntry.objects.filter(actor=user).update(actor_label=f"{DELETED} #{pk}")
    AuditEntry.objects.filter(object_id=str(pk), content_type__model="user").update(
        object_repr=f"{DELETED} #{pk}")
    user.delete()
    log_action(actor=None, action="delete", summary=note(
        gettext_noop("deleted person %(number)s by %(operator)s"), number=pk,
        operator=operator_label) if operator_label else note(
        gettext_noop("deleted person %(number)s"), number=pk))
    return pk
