"""Spreadsheet exports that never run anything: every cell is data, never a formula.

A free text that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is a formula to
Excel and LibreOffice when it arrives in a CSV file, and openpyxl writes such a string as a live
formula into XLSX. Anonymous respondents and reporters write those texts, so every export
passes its cells through here (OWASP's rule for CSV injection): CSV cells that would start a
formula get a leading apostrophe; XLSX text cells are written as text with Excel's own quote
prefix, which shows them as typed and keeps them text when edited. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value safe for a CSV cell."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def csv_rows(rows) -> list[list]:
    return [[csv_cell(v) for v in row] for row in rows]


def csv_text(rows, *, delimiter: str = ";", bom: bool = True) -> str:
    """Rows as CSV text for Excel (semicolons, a byte order mark for UTF-8)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(csv_rows(rows))
    return ("\ufeff" if bom else "") + out.getvalue()


def xlsx_append(sheet, row) -> None:
    """Append a row; text cells become text (never a formula), numbers stay numbers."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(TRIGGERS):
                cell.quotePrefix = True


# -- reading what people upload ------------------------------------------------------------------
#
# Spreadsheets come back from Excel and LibreOffice in many shapes: UTF-8 with or without a byte
# order mark, Windows-1252 (Excel's "CSV" on German Windows), UTF-16 ("Unicode text"), separated
# by semicolons, commas or tabs, or as an XLSX workbook. The helpers below turn each into rows of
# cells; what the cells mean is for the importing app to decide.

DELIMITERS = (";", "\t", ",")  # in order of preference when a header line is ambiguous
XLSX_MAX_UNPACKED = 50 * 1024 * 1024  # bytes: a small upload that unpacks to more is refused
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet these helpers can read; the message says why."""


def csv_uncell(value: str) -> str:
    """Undo `csv_cell`: the apostrophe that kept a text from becoming a formula is removed."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def decode_text(raw: bytes) -> str:
    """The text of an uploaded CSV file: UTF-16 with a byte order mark, UTF-8 (with or without
    one), otherwise Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file is not readable UTF-16 text.")) from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise UnreadableFile(_("The file is neither UTF-8 nor Windows-1252 text; save "
                                       "it from your spreadsheet program as CSV (UTF-8).")) \
                    from None
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a text file; upload CSV or XLSX."))
    return text


def detect_delimiter(text: str) -> str:
    """The separator of a CSV text, read off its first line: the candidate that occurs most
    often outside quotes there (a tab or comma inside a quoted or `;`-separated cell does not
    count twice as much as the semicolons around it). A single column counts as `;`."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # the first of equals wins
    return best if counts[best] else ";"


def csv_read(text: str) -> list[list[str]]:
    """The rows of a CSV text, with its separator detected (Excel's `sep=;` line honoured)."""
    first, _newline, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = detect_delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(_("The file is not valid CSV: %(error)s") % {"error": error}) \
            from None


def is_xlsx(raw: bytes) -> bool:
    return raw.startswith(_XLSX_MAGIC)


def xlsx_read(raw: bytes, *, max_rows: int, max_cols: int = 60) -> list[tuple[str, list[list]]]:
    """The sheets of an XLSX workbook as (title, rows), each at most `max_rows` rows of
    `max_cols` cells; values as openpyxl reads them (text, numbers, dates), formulas as their
    last computed value."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNPACKED:
                raise UnreadableFile(_("The workbook is too large once unpacked."))
    except zipfile.BadZipFile:
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from None
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook  # noqa: BLE001
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(max_col=max_cols, values_only=True):
                if len(rows) >= max_rows:
                    break
                cells = list(row)
                while cells and cells[-1] is None:  # read-only sheets pad to max_cols
                    cells.pop()
                rows.append(cells)
            sheets.append((sheet.title, rows))
        return sheets
    finally:
        book.close()


def check_upload(raw: bytes) -> None:
    """Refuse what is clearly no CSV or XLSX, with a reason a person can act on."""
    if raw.startswith(_OLE_MAGIC):
        raise UnreadableFile(_("This is an old Excel file (.xls) or a password-protected "
                               "workbook; save it as .xlsx or CSV without a password."))
    if raw.startswith(b"%PDF"):
        raise UnreadableFile(_("This is a PDF file; upload CSV or XLSX."))
