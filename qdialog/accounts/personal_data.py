"""A person's own data (DSGVO Art. 15 and 20), and deleting a person (Art. 17) while their
contributions stay, attributed to "deleted person"."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

DELETED = "deleted person"


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    """Everything stored about the person, as JSON-ready data."""
    from qdialog.actions.models import Action, ProgressNote
    from qdialog.casereviews.models import ReviewMember
    from qdialog.core.models import AuditEntry
    from qdialog.processes.models import GroupMember
    from qdialog.standards.models import Amendment, Comment, Rating
    from qdialog.tenancy.models import Membership

    return {
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
        "group_seats": [{"group": str(g.group), "process": str(g.group.process),
                         "organisation": str(g.organisation), "role": g.role}
                        for g in GroupMember.objects.filter(person=user).select_related(
                            "group__process", "organisation")],
        "case_review_seats": [{"review": r.review.title, "team": r.get_team_display(),
                               "role": r.role} for r in ReviewMember.objects.filter(
                                   user=user).select_related("review")],
        "comments": [{"document": str(c.standard), "paragraph": c.paragraph + 1,
                      "text": c.text, "at": _iso(c.created_at)}
                     for c in Comment.objects.filter(author=user).select_related("standard")],
        "amendments": [{"document": str(a.standard), "proposal": a.proposal,
                        "reason": a.reason, "status": a.status, "at": _iso(a.created_at)}
                       for a in Amendment.objects.filter(author=user).select_related(
                           "standard")],
        "consent_ratings": [{"document": str(r.standard), "version": r.version,
                             "value": r.value, "statement": r.statement}
                            for r in Rating.objects.filter(user=user).select_related(
                                "standard")],
        "actions_responsible": [{"action": a.title, "status": a.status,
                                 "due": _iso(a.due_on)}
                                for a in Action.objects.filter(responsible_person=user)],
        "progress_notes": [{"action": n.action.title, "text": n.text,
                            "status": n.status_to, "at": _iso(n.created_at)}
                           for n in ProgressNote.objects.filter(author=user).select_related(
                               "action")],
        "activity": [{"at": _iso(e.at), "action": e.action, "object": e.object_repr,
                      "summary": e.summary}
                     for e in AuditEntry.objects.filter(actor=user).order_by("-at")[:5000]],
    }


@transaction.atomic
def delete_person(user, *, operator_label: str = "") -> int:
    """Delete the account and its roles; what the person contributed (comments, notes, minutes,
    decisions, audit entries) stays, attributed to "deleted person". Returns the old id."""
    from qdialog.core.audit import log_action
    from qdialog.core.models import AuditEntry
    from qdialog.core.notes import note

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
