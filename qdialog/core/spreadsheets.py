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
