"""Reads for the action plan: filtered lists, the board, per organisation, the timeline and the
progress overviews."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from .models import OPEN_STATUSES, Action, ActionStatus, ProgressNote

SOON = 14  # days: "due soon"


def plan(municipality):
    return Action.objects.filter(municipality=municipality).select_related(
        "responsible_organisation", "responsible_person")


def filtered(actions, data: dict):
    """Filter by status, priority, organisation, origin, overdue / due soon, and a text."""
    today = timezone.localdate()
    if data.get("status"):
        actions = actions.filter(status=data["status"])
    if data.get("priority"):
        actions = actions.filter(priority=data["priority"])
    if data.get("organisation"):
        actions = actions.filter(responsible_organisation=data["organisation"])
    if data.get("origin"):
        actions = actions.filter(origin=data["origin"])
    if data.get("due") == "overdue":
        actions = actions.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif data.get("due") == "soon":
        actions = actions.filter(status__in=OPEN_STATUSES, due_on__gte=today,
                                 due_on__lte=today + dt.timedelta(days=SOON))
    if data.get("q"):
        actions = actions.filter(Q(title__icontains=data["q"])
                                 | Q(description__icontains=data["q"]))
    return actions


def board(actions) -> list[tuple[str, str, list]]:
    items = list(actions)
    return [(value, label, [a for a in items if a.status == value])
            for value, label in ActionStatus.choices]


def by_organisation(actions) -> list[tuple[object, list]]:
    groups: dict = {}
    for action in actions:
        groups.setdefault(action.responsible_organisation, []).append(action)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, str(kv[0] or "")))


def timeline(actions) -> dict:
    """Bars from start (or creation) to due date, placed on a month grid as percentages."""
    items = [a for a in actions if a.due_on]
    if not items:
        return {"rows": [], "months": []}
    start = min((a.starts_on or a.due_on) for a in items).replace(day=1)
    last_due = max(a.due_on for a in items)
    end = (last_due.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # next month's 1st
    span = (end - start).days
    months, cursor = [], start
    while cursor < end:
        months.append((cursor, round(100 * (cursor - start).days / span, 1)))
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    rows = []
    for index, a in enumerate(sorted(items, key=lambda a: (a.starts_on or a.due_on, a.due_on))):
        begin = a.starts_on or a.due_on
        left = 100 * (begin - start).days / span
        left = min(left, 98.5)
        width = max(100 * (a.due_on - begin).days / span, 1.5)
        rows.append({"action": a, "left": round(left, 1), "y": 3 * index + 3,
                     "width": round(min(width, 100 - left), 1)})
    # the drawing is 100 units wide; each row 3 units high, below a 2-unit band of months
    return {"rows": rows, "months": months, "start": start, "end": last_due,
            "height": 3 * len(rows) + 3}


def overview(actions) -> dict:
    today = timezone.localdate()
    counts = dict(actions.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    overdue = actions.filter(status__in=OPEN_STATUSES, due_on__lt=today).count()
    done = counts.get(ActionStatus.DONE, 0)
    return {"total": total, "overdue": overdue, "done": done,
            "counts": [(label, counts.get(value, 0)) for value, label in ActionStatus.choices],
            "done_percent": round(100 * done / total) if total else 0}


def programme_overview(programme) -> list[dict]:
    """Per municipality: counts by status and overdue (one query)."""
    today = timezone.localdate()
    rows = programme.municipalities.order_by("name").annotate(
        total=Count("actions"),
        done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        in_progress=Count("actions", filter=Q(actions__status=ActionStatus.IN_PROGRESS)),
        planned=Count("actions", filter=Q(actions__status=ActionStatus.PLANNED)),
        overdue=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES,
                                          actions__due_on__lt=today)))
    return [{"municipality": m, "total": m.total, "done": m.done, "in_progress": m.in_progress,
             "planned": m.planned, "overdue": m.overdue,
             "done_percent": round(100 * m.done / m.total) if m.total else 0} for m in rows]


def person_data(user) -> dict:
    """What this app holds about a person, for their data export (accounts/personal_data)."""
    def iso(value):
        return value.isoformat() if value else None

    return {
        "actions_responsible": [{"action": a.title, "status": a.status, "due": iso(a.due_on)}
                                for a in Action.objects.filter(responsible_person=user)],
        "progress_notes": [{"action": n.action.title, "text": n.text,
                            "status": n.status_to, "at": iso(n.created_at)}
                           for n in ProgressNote.objects.filter(author=user).select_related(
                               "action")],
    }


def timeline_entries(process) -> list[dict]:
    """The due dates of the process's municipality's actions (a cluster's process has none)."""
    if not process.municipality_id:
        return []
    return [{"date": a.due_on, "end": None, "kind": "action", "object": a}
            for a in Action.objects.filter(municipality_id=process.municipality_id,
                                           due_on__isnull=False)]
