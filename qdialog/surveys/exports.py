"""Answer exports: CSV, XLSX with a codebook sheet, and SPSS .sav with variable and value labels.

"not shown" (-3), "not answered" (-1) and "don't know" (-2) are distinct codes everywhere, and
declared as user-missing values in the .sav file. Rows come in a stable order that is not the
order of submission, so row position says nothing about when someone answered.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.text import slugify

from qdialog.core.spreadsheets import csv_text, xlsx_append

from . import schema
from .models import Response

FORMATS = ("csv", "xlsx", "sav")
#: the first sheet of the XLSX file and the label of the .sav file
RAW_NOTICE = [
    "Rohdaten: einzelne Antwortbögen, ohne den Schutz kleiner Gruppen",
    "Diese Datei enthält jeden Antwortbogen einzeln, auch von Gruppen mit weniger als der "
    "Mindestgröße. Sie ist nur für die Auswertung durch Berechtigte bestimmt (Institut, "
    "Koordination einer kommunalen Befragung).",
    "Geben Sie sie nicht weiter und veröffentlichen Sie keine Zahl daraus über eine Gruppe "
    "mit weniger als der Mindestgröße; Ergebnisse zum Weitergeben stehen in qdialog unter "
    "„Ergebnisse“ und in den Berichten.",
    "Zellen, die mit =, +, - oder @ beginnen, sind Text, keine Formeln.",
]
META = [("municipality", "Kommune"), ("submitted_on", "Datum"), ("language", "Sprache")]


def _code(value):
    if value in schema.MISSING_CODES:
        return schema.MISSING_CODES[value]
    return value


def _order(pk: int) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{pk}".encode()).hexdigest()


def table(wave) -> tuple[list[schema.Variable], list[list]]:
    """(variables, rows) with the special values coded, rows in a non-chronological order."""
    instrument = schema.compiled(wave.instrument)
    variables = instrument.variables
    responses = sorted(Response.objects.filter(wave=wave).select_related("municipality")
                       .values_list("pk", "municipality__name", "submitted_on", "language",
                                    "answers"), key=lambda r: _order(r[0]))
    rows = []
    for _, municipality, day, language, answers in responses:
        row = [municipality or "", day.isoformat(), language]
        for v in variables:
            row.append(_code(answers.get(v.name, schema.NOT_SHOWN)))
        rows.append(row)
    return variables, rows


def _value_labels(v: schema.Variable) -> dict:
    labels = {}
    if v.measure in ("scale", "nominal"):
        labels.update({c.value: c.label("de") for c in v.choices})
    elif v.measure == "binary":
        labels.update({0: "nicht gewählt", 1: "gewählt"})
    if v.numeric:
        labels.update({code: str(schema.MISSING_LABELS[key])
                       for key, code in schema.MISSING_CODES.items()})
    return labels


def codebook(variables) -> list[list]:
    rows = [["variable", "label", "type", "values", "reverse coded", "dimension"]]
    rows += [[name, label, "text", "", "", ""] for name, label in META]
    for v in variables:
        values = "; ".join(f"{k} = {label}" for k, label in _value_labels(v).items())
        rows.append([v.name, v.label("de"), v.measure, values, "yes" if v.reverse else "",
                     v.dimension])
    return rows


def _filename(wave, ext):
    return f"answers-{slugify(wave.title)[:40]}-{wave.pk}.{ext}"


def download(wave, fmt: str) -> HttpResponse:
    with translation.override("de"):  # labels and codebook in German, like the instrument
        return _download(wave, fmt)


def _download(wave, fmt: str) -> HttpResponse:
    variables, rows = table(wave)
    header = [name for name, _ in META] + [v.name for v in variables]
    if fmt == "csv":
        data = csv_text([header, *rows]).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data = _xlsx(header, rows, codebook(variables))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = _sav(header, rows, variables), "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, fmt)}"'
    return response


def _xlsx(header, rows, book) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    notice = workbook.active
    notice.title = "Hinweis"
    for line in RAW_NOTICE:
        xlsx_append(notice, [line])
    notice["A1"].font = Font(bold=True)
    notice.column_dimensions["A"].width = 110
    sheet = workbook.create_sheet("Antworten")
    xlsx_append(sheet, header)
    for row in rows:
        xlsx_append(sheet, row)
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    codes = workbook.create_sheet("Codebuch")
    for row in book:
        xlsx_append(codes, row)
    for cell in codes[1]:
        cell.font = Font(bold=True)
    codes.column_dimensions["A"].width = 28
    codes.column_dimensions["B"].width = 70
    codes.column_dimensions["D"].width = 70
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sav(header, rows, variables) -> bytes:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(rows, columns=header)
    labels = dict(META) | {v.name: v.label("de")[:250] for v in variables}
    value_labels, missing = {}, {}
    for v in variables:
        if v.numeric:
            frame[v.name] = pd.to_numeric(frame[v.name], errors="coerce")
            value_labels[v.name] = {float(k): label for k, label in _value_labels(v).items()}
            missing[v.name] = [{"lo": -3.0, "hi": -1.0}]
        else:
            frame[v.name] = frame[v.name].map(str)  # text; special codes stay "-1", "-3"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "answers.sav")
        pyreadstat.write_sav(frame, path, column_labels=[labels[c] for c in header],
                             variable_value_labels=value_labels, missing_ranges=missing,
                             file_label=RAW_NOTICE[0][:64])
        with open(path, "rb") as handle:
            return handle.read()
