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


#: the column a card most likely moves to next, preselected in its "Move to" list
NEXT_STATUS = {ActionStatus.PLANNED: ActionStatus.IN_PROGRESS,
               ActionStatus.IN_PROGRESS: ActionStatus.DONE,
               ActionStatus.DONE: ActionStatus.IN_PROGRESS,
               ActionStatus.DROPPED: ActionStatus.PLANNED}


def board(actions) -> list[dict]:
    """One column per status with its cards and the columns a card can move to."""
    items = list(actions)
    return [{"value": value, "label": label, "items": [a for a in items if a.status == value],
             "targets": [(other, other_label, other == NEXT_STATUS[value])
                         for other, other_label in ActionStatus.choices if other != value]}
            for value, label in ActionStatus.choices]


def by_organisation(actions) -> list[tuple[object, list]]:
    groups: dict = {}
    for action in actions:
        groups.setdefault(action.responsible_organisation, []).append(action)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, str(kv[0] or "")))


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


#: the timeline's drawing is 100 units wide: a band of months on top, then per action a label
#: line and its bar, and a band at the bottom for the label of today's line
TOP, ROW, LABEL, BAR, BOTTOM = 2.5, 4.5, 1.6, 2, 2.5
LABEL_CHARS = 48


def timeline(actions, today: dt.date | None = None) -> dict:
    """Bars from start (or due date) to due date on a month grid, as percentages, each with
    its label; a line for today; overdue actions marked by text and a dashed line to today."""
    today = today or timezone.localdate()
    items = [a for a in actions if a.due_on]
    if not items:
        return {"rows": [], "months": []}
    start = min(min(a.starts_on or a.due_on for a in items), today).replace(day=1)
    last_due = max(a.due_on for a in items)
    end = _next_month(max(last_due, today))
    span = (end - start).days

    def x(day: dt.date) -> float:
        return 100 * (day - start).days / span

    months, cursor = [], start
    while cursor < end:
        months.append((cursor, round(x(cursor), 1)))
        cursor = _next_month(cursor)
    rows = []
    ordered = sorted(items, key=lambda a: (a.starts_on or a.due_on, a.due_on, a.pk or 0))
    for index, a in enumerate(ordered):
        begin = a.starts_on or a.due_on
        left = min(x(begin), 98.5)
        width = min(max(x(a.due_on) - x(begin), 1.5), 100 - left)
        top = TOP + ROW * index
        bar_top = top + LABEL + 0.4
        title = a.title if len(a.title) <= LABEL_CHARS else a.title[:LABEL_CHARS - 1] + "…"
        label_end = left > 55  # far right: the label ends where the bar ends
        overdue = a.is_open and a.due_on < today
        rows.append({"action": a, "left": round(left, 1), "width": round(width, 1),
                     "y": round(bar_top, 1), "label_y": round(top + LABEL, 1),
                     "label": title, "overdue": overdue,
                     "label_x": round(left + width if label_end else left, 1),
                     "anchor": "end" if label_end else "start",
                     "late_x": round(x(a.due_on), 1), "bar_middle": round(bar_top + BAR / 2, 1)})
    height = TOP + ROW * len(rows) + BOTTOM
    today_x = round(x(today), 1)
    return {"rows": rows, "months": months, "start": start, "end": last_due, "bar": BAR,
            "height": round(height, 1), "today": today, "today_x": today_x,
            "today_label_y": round(height - 0.7, 1),
            "today_anchor": "start" if today_x < 6 else "end" if today_x > 94 else "middle",
            "overdue": sum(1 for r in rows if r["overdue"])}


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
