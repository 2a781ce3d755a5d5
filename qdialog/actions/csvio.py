"""The action plan as CSV: export, and import with row-level errors (all rows or none)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.core.spreadsheets import csv_text

from .models import Action, ActionStatus, Priority

COLUMNS = ["title", "description", "responsible_organisation", "responsible_person",
           "starts_on", "due_on", "review_on", "priority", "status", "origin"]
MAX_ROWS = 2000


def export(actions) -> str:
    """Semicolons and a byte order mark, for Excel; no cell can become a formula."""
    rows = [COLUMNS]
    for a in actions:
        rows.append([a.title, a.description, a.responsible_organisation or "",
                     a.responsible_person.email if a.responsible_person else "",
                     a.starts_on or "", a.due_on or "", a.review_on or "", a.priority,
                     a.status, a.origin])
    return csv_text(rows)


def _date(value, row, column, errors):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors.append(_("Row %(row)s, %(column)s: „%(value)s“ is not a date (YYYY-MM-DD).")
                      % {"row": row, "column": column, "value": value})
        return None


def parse(raw: bytes, municipality) -> tuple[list[Action], list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 encoded text.")]
    dialect = csv.Sniffer().sniff(text[:2000], delimiters=";,\t") if text.strip() else None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect) if dialect else []
    if not reader or "title" not in (reader.fieldnames or []):
        return [], [_("The file needs a header row with at least the column „title“.")]
    organisations = {o.name.casefold(): o for o in municipality.organisations.all()}
    actions, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            errors.append(_("At most %(n)s rows at once.") % {"n": MAX_ROWS})
            break
        row = {k: (v or "").strip() for k, v in row.items() if k}
        title = row.get("title", "")
        if not title:
            errors.append(_("Row %(row)s: the title is missing.") % {"row": number})
            continue
        org_name = row.get("responsible_organisation", "")
        organisation = organisations.get(org_name.casefold()) if org_name else None
        if org_name and organisation is None:
            errors.append(_("Row %(row)s: no organisation „%(name)s“ in this municipality.")
                          % {"row": number, "name": org_name})
        priority = row.get("priority") or Priority.MEDIUM
        status = row.get("status") or ActionStatus.PLANNED
        if priority not in Priority.values:
            errors.append(_("Row %(row)s: unknown priority „%(value)s“.")
                          % {"row": number, "value": priority})
        if status not in ActionStatus.values:
            errors.append(_("Row %(row)s: unknown status „%(value)s“.")
                          % {"row": number, "value": status})
        action = Action(municipality=municipality, title=title[:200],
                        description=row.get("description", ""),
                        responsible_organisation=organisation, priority=priority,
                        status=status,
                        starts_on=_date(row.get("starts_on"), number, "starts_on", errors),
                        due_on=_date(row.get("due_on"), number, "due_on", errors),
                        review_on=_date(row.get("review_on"), number, "review_on", errors))
        if action.starts_on and action.due_on and action.due_on < action.starts_on:
            errors.append(_("Row %(row)s: the due date lies before the start.")
                          % {"row": number})
        actions.append(action)
    if not actions and not errors:
        errors.append(_("The file has no rows."))
    return actions, errors


@transaction.atomic
def store(actions, actor, municipality) -> int:
    Action.objects.bulk_create(actions)
    log_action(actor=actor, action="import", obj=municipality,
               summary=note(gettext_noop("%(count)s actions imported from CSV"),
                            count=len(actions)))
    return len(actions)
