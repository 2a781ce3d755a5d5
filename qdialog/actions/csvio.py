"""The action plan as a spreadsheet that goes to Excel and comes back.

Export: CSV (semicolons, UTF-8 with a byte order mark) and XLSX, with headers, choice labels and
dates in the interface language – „hoch“, „in Arbeit“, 31.12.2026 in German – and the machine
codes beside them: a second header row of column codes in CSV, a codebook sheet in XLSX. No cell
can become a formula (qdialog/core/spreadsheets.py).

Import: CSV (UTF-8 with or without a byte order mark, UTF-16, Windows-1252; separated by `;`,
`,` or tabs) or XLSX. Headers and choices may be given as the German or English labels (in any
case) or as the codes, dates as DD.MM.YYYY, DD/MM/YYYY or YYYY-MM-DD. All rows or none: every
problem is reported with its row (as the spreadsheet program numbers it) and column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qdialog.core.spreadsheets import (
    UnreadableFile,
    check_upload,
    csv_read,
    csv_text,
    csv_uncell,
    decode_text,
    is_xlsx,
    xlsx_append,
    xlsx_read,
)
from qdialog.tenancy.models import Membership

from .models import Action, ActionStatus, Origin, Priority

MAX_ROWS = 2000
MAX_PROBLEMS = 200  # listed at most; the rest of the file is checked once these are corrected
CSV, XLSX = "csv", "xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what an import reads a date as, whatever the interface language
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
TEXT, LONG_TEXT, DATE, CHOICE, ORGANISATION, PERSON = (
    "text", "long_text", "date", "choice", "organisation", "person")


@dataclass(frozen=True)
class Column:
    code: str
    kind: str
    choices: type | None = None
    required: bool = False
    max_length: int | None = None
    default: str = ""

    @property
    def label(self) -> str:
        """The column's heading in the active language."""
        return capfirst(str(Action._meta.get_field(self.code).verbose_name))


COLUMNS = [
    Column("title", TEXT, required=True, max_length=200),
    Column("description", LONG_TEXT),
    Column("origin", CHOICE, Origin, default=Origin.OTHER),
    Column("origin_detail", TEXT, max_length=200),
    Column("responsible_organisation", ORGANISATION),
    Column("responsible_person", PERSON),
    Column("starts_on", DATE),
    Column("due_on", DATE),
    Column("review_on", DATE),
    Column("priority", CHOICE, Priority, default=Priority.MEDIUM),
    Column("status", CHOICE, ActionStatus, default=ActionStatus.PLANNED),
]
BY_CODE = {c.code: c for c in COLUMNS}

KIND_HINTS = {
    TEXT: gettext_lazy("Text"),
    LONG_TEXT: gettext_lazy("Text, also over several lines"),
    DATE: gettext_lazy("A date as DD.MM.YYYY or YYYY-MM-DD"),
    CHOICE: gettext_lazy("One of the values listed"),
    ORGANISATION: gettext_lazy("The name of one of the municipality's organisations"),
    PERSON: gettext_lazy("The e-mail address of a member of the municipality"),
}


# -- the codebook: columns and what each accepts --------------------------------------------------

def codebook(municipality=None) -> list[dict]:
    """Each column with its label, code, what it accepts and (for choices) the values as
    (label, code) – in the active language; organisations by name if a municipality is given."""
    entries = []
    for column in COLUMNS:
        hint = str(KIND_HINTS[column.kind])
        if column.required:
            hint = _("%(hint)s; required") % {"hint": hint}
        if column.max_length:
            hint = _("%(hint)s; at most %(n)s characters") % {"hint": hint,
                                                              "n": column.max_length}
        if column.default:
            hint = _("%(hint)s; empty means „%(default)s“") % {
                "hint": hint, "default": column.choices(column.default).label}
        values = [(str(label), code) for code, label in column.choices.choices] \
            if column.choices else []
        if column.kind == ORGANISATION and municipality is not None:
            values = [(o.name, "") for o in municipality.organisations.order_by("name")]
        entries.append({"label": column.label, "code": column.code, "hint": hint,
                        "values": values, "column": column})
    return entries


# -- export ---------------------------------------------------------------------------------------

def _date_format() -> str:
    """DD.MM.YYYY in German, YYYY-MM-DD in English: the first input format of the language."""
    return get_format("DATE_INPUT_FORMATS")[0]


def _values(action: Action, *, dates_as_text: bool) -> list:
    date_format = _date_format()

    def day(value):
        if value is None:
            return ""
        return value.strftime(date_format) if dates_as_text else value

    return [action.title, action.description, action.get_origin_display(), action.origin_detail,
            action.responsible_organisation.name if action.responsible_organisation else "",
            action.responsible_person.email if action.responsible_person else "",
            day(action.starts_on), day(action.due_on), day(action.review_on),
            action.get_priority_display(), action.get_status_display()]


def export_csv(actions) -> str:
    """Labels in the first header row, the column codes in the second, then one row per
    action; semicolons and a byte order mark, for Excel; no cell can become a formula."""
    rows = [[c.label for c in COLUMNS], [c.code for c in COLUMNS]]
    rows += [_values(a, dates_as_text=True) for a in actions]
    return csv_text(rows)


def export_xlsx(actions, municipality) -> bytes:
    """The actions on the first sheet (labelled headers, real dates), the codebook on the
    second; text cells are text, never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(Action._meta.verbose_name_plural)
    xlsx_append(sheet, [c.label for c in COLUMNS])
    number_format = _date_format().replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY")
    for action in actions:
        xlsx_append(sheet, _values(action, dates_as_text=False))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = number_format
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate([40, 50, 28, 28, 30, 30, 12, 12, 12, 12, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    codes = book.create_sheet(_sheet_title(_("Codebook")))
    xlsx_append(codes, [_("Column"), _("Column code"), _("Accepts"), _("Value"),
                        _("Value code")])
    for entry in codebook(municipality):
        xlsx_append(codes, [entry["label"], entry["code"], entry["hint"], "", ""])
        for label, code in entry["values"]:
            xlsx_append(codes, ["", "", "", label, code])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (28, 26, 60, 36, 16), strict=True):
        codes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(text) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", capfirst(str(text)))[:31]


# -- import ---------------------------------------------------------------------------------------

@dataclass
class Problem:
    """One reason the file cannot be imported: in a row and column, or of the whole file."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class Parsed:
    actions: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    kind: str = CSV


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _in_every_language(label) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(_norm(label))
    return names


def _header_names() -> dict[str, str]:
    names = {}
    for column in COLUMNS:
        names[_norm(column.code)] = column.code
        for name in _in_every_language(Action._meta.get_field(column.code).verbose_name):
            names[name] = column.code
    return names


def _choice_names(choices) -> dict[str, str]:
    names = {}
    for code, label in choices.choices:
        names[_norm(code)] = code
        for name in _in_every_language(label):
            names.setdefault(name, code)
    return names


def _rows(raw: bytes) -> tuple[str, list[list]]:
    """The uploaded file as rows of cells (raises UnreadableFile)."""
    check_upload(raw)
    if is_xlsx(raw):
        sheets = xlsx_read(raw, max_rows=MAX_ROWS + 3)
        header_names = _header_names()
        for _title, rows in sheets:  # the first sheet whose first row names a known column
            if rows and any(_norm(v) in header_names for v in rows[0]):
                return XLSX, rows
        return XLSX, sheets[0][1] if sheets else []
    rows = [[csv_uncell(v) for v in row] for row in csv_read(decode_text(raw))]
    return CSV, rows


def parse(raw: bytes, municipality) -> Parsed:
    """The actions a CSV or XLSX file describes, unsaved, or the problems that stop it."""
    result = Parsed()
    try:
        result.kind, rows = _rows(raw)
    except UnreadableFile as error:
        result.problems.append(Problem(str(error)))
        return result
    while rows and not any(_text(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        result.problems.append(Problem(_("The file is empty.")))
        return result
    columns = _columns(rows[0], result.problems)
    if "title" not in {c.code for c in columns.values()}:
        return result
    start = 1
    if len(rows) > 1 and _is_code_row(rows[1], columns):
        start = 2
    lookups = _Lookups(municipality)
    data = [(number, row) for number, row in enumerate(rows[start:], start=start + 1)
            if any(_text(v) for v in row)]
    if not data:
        result.problems.append(Problem(_("The file has a header row but no actions.")))
    if len(data) > MAX_ROWS:
        result.problems.append(Problem(_("At most %(n)s actions at once; split the file.")
                                       % {"n": MAX_ROWS}))
        return result
    for number, row in data:
        action = _action(number, row, columns, lookups, municipality, result.problems)
        result.actions.append(action)
        if len(result.problems) >= MAX_PROBLEMS:
            result.problems.append(Problem(_("Row %(row)s is as far as the file was checked: "
                                             "correct these problems first.") % {"row": number}))
            break
    if result.problems:
        result.actions = []
    return result


def _columns(header, problems) -> dict[int, Column]:
    """Which cell of a row holds which column, from the header row (labels or codes)."""
    names = _header_names()
    columns: dict[int, Column] = {}
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        code = names.get(_norm(text))
        if code is None:
            problems.append(Problem(
                _("„%(name)s“ is not a column of the action plan; rename it to one of the "
                  "columns listed on this page, or remove it.") % {"name": text},
                row=1, column=text))
        elif code in seen:
            problems.append(Problem(_("the column appears twice (also as „%(other)s“).")
                                    % {"other": seen[code]}, row=1, column=text))
        else:
            columns[index] = BY_CODE[code]
            seen[code] = text
    if "title" not in seen:
        problems.append(Problem(_("The first row must name the columns, at least „%(title)s“ "
                                  "(or „title“).") % {"title": BY_CODE["title"].label}, row=1))
    return columns


def _is_code_row(row, columns) -> bool:
    """The second header row of an exported CSV file: each cell the code of its column."""
    cells = [(index, _text(v)) for index, v in enumerate(row) if _text(v)]
    return bool(cells) and all(index in columns and text == columns[index].code
                               for index, text in cells)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


class _Lookups:
    """The names an import can refer to: organisations, members, choice labels."""

    def __init__(self, municipality):
        self.organisations = {_norm(o.name): o for o in municipality.organisations.all()}
        members = list(get_user_model().objects.filter(
            pk__in=Membership.objects.filter(municipality=municipality).values("user")))
        self.people = {_norm(p.email): p for p in members}
        self.choices = {c.code: _choice_names(c.choices) for c in COLUMNS if c.choices}


def _action(number, row, columns, lookups, municipality, problems) -> Action:
    values = {}
    for index, column in sorted(columns.items()):
        cell = row[index] if index < len(row) else None
        values[column.code] = _value(column, cell, lookups, number, problems)
        if column.required and not values[column.code]:
            problems.append(Problem(_("this column must not be empty."), row=number,
                                    column=column.label))
    action = Action(municipality=municipality, **{c.code: values[c.code] if c.code in values
                                                  else _empty(c) for c in COLUMNS})
    if action.starts_on and action.due_on and action.due_on < action.starts_on:
        problems.append(Problem(_("the due date lies before the start."), row=number,
                                column=BY_CODE["due_on"].label))
    return action


def _empty(column):
    if column.kind in (DATE, ORGANISATION, PERSON):
        return None
    return column.default or ""


def _value(column, cell, lookups, number, problems):
    def refuse(message):
        problems.append(Problem(message, row=number, column=column.label))

    if column.kind == DATE and isinstance(cell, dt.date):
        return cell.date() if isinstance(cell, dt.datetime) else cell
    text = _text(cell)
    if not text:
        return _empty(column)
    if column.max_length and len(text) > column.max_length:
        refuse(_("at most %(n)s characters (this cell has %(length)s).")
               % {"n": column.max_length, "length": len(text)})
        return text[:column.max_length]
    if column.kind in (TEXT, LONG_TEXT):
        return text
    if column.kind == DATE:
        for date_format in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        refuse(_("„%(value)s“ is not a date; write it as DD.MM.YYYY or YYYY-MM-DD.")
               % {"value": text})
        return None
    if column.kind == CHOICE:
        code = lookups.choices[column.code].get(_norm(text))
        if code is None:
            refuse(_("„%(value)s“ is not one of the values %(allowed)s.") % {
                "value": text, "allowed": ", ".join(
                    f"„{label}“" for _code, label in column.choices.choices)})
            return column.default
        return code
    if column.kind == ORGANISATION:
        organisation = lookups.organisations.get(_norm(text))
        if organisation is None:
            refuse(_("the municipality has no organisation „%(name)s“.") % {"name": text})
        return organisation
    person = lookups.people.get(_norm(text))
    if person is None:
        refuse(_("no member of the municipality has the e-mail address „%(value)s“.")
               % {"value": text})
    return person
