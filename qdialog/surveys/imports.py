"""Imports: paper questionnaires from CSV (row-level messages, all or nothing) and instruments
from LimeSurvey structure files (.lss)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.notes import note

from . import mixing, schema, services
from .models import Response, Wave

# CSV cells: a value, or one of these for the special codes
SPECIAL_CELLS = {"-1": schema.NOT_ANSWERED, "": schema.NOT_ANSWERED, "-2": schema.DONT_KNOW,
                 "-3": schema.NOT_SHOWN}


@dataclass
class ImportResult:
    stored: int = 0
    errors: list[str] = field(default_factory=list)


def _decode(upload) -> str:
    raw = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("The file is neither UTF-8 nor Windows-1252 text."))


def _to_post(instrument: schema.CInstrument, row: dict) -> dict:
    """Turn a CSV row (variables as columns) into the fields a questionnaire form posts."""
    post: dict[str, list[str]] = {}
    for item in instrument.items:
        if item.kind == "matrix":
            for r in item.rows:
                cell = (row.get(f"{item.code}__{r.code}") or "").strip()
                if cell and cell not in SPECIAL_CELLS:
                    post[item.field_for(r.code)] = [cell]
                elif cell == "-2":
                    post[item.field_for(r.code)] = [schema.DONT_KNOW]
        elif item.kind == "multi":
            post[item.field] = [str(c.value) for c in item.choices
                                if (row.get(f"{item.code}__{c.value}") or "").strip() == "1"]
        else:
            cell = (row.get(item.code) or "").strip()
            if cell == "-2":
                post[item.field] = [schema.DONT_KNOW]
            elif cell and cell not in SPECIAL_CELLS:
                post[item.field] = [cell]
        if item.allow_other:
            other = (row.get(f"{item.code}__other") or "").strip()
            if other and other not in SPECIAL_CELLS:
                post[item.field + "__other"] = [other]
    return post


def answers_from_csv(*, wave: Wave, upload, actor) -> ImportResult:
    """Import paper questionnaires: every row is checked like an online answer; with any error,
    nothing is stored and every error is reported with its row number."""
    result = ImportResult()
    if not wave.has_opened:
        result.errors.append(_("Open the wave before importing answers."))
        return result
    if wave.results_published_on is not None:
        result.errors.append(str(services.PUBLISHED_MESSAGE))
        return result
    try:
        text = _decode(upload)
    except ValueError as error:
        result.errors.append(str(error))
        return result
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t") if text.strip() else None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect) if dialect else None
    if reader is None or not reader.fieldnames:
        result.errors.append(_("The file is empty."))
        return result
    instrument = schema.compiled(wave.instrument)
    known = {v.name for v in instrument.variables} | {"municipality", "submitted_on",
                                                      "language"}
    unknown = [c for c in reader.fieldnames if c and c not in known]
    if unknown:
        result.errors.append(_("Unknown columns: %(list)s") % {"list": ", ".join(unknown[:10])})
        return result
    municipalities = {m.name: m for m in wave.programme.municipalities.all()}
    parsed = []
    for number, row in enumerate(reader, start=2):
        if number > 20001:
            result.errors.append(_("At most 20,000 rows at a time."))
            break
        answers, problems = schema.parse(instrument, _to_post(instrument, row), require=True)
        for field_name, message in problems.items():
            code = field_name[2:].split("__")[0]
            result.errors.append(_("Row %(row)s, %(item)s: %(message)s")
                                 % {"row": number, "item": code, "message": message})
        municipality = wave.municipality
        name = (row.get("municipality") or "").strip()
        if municipality is None:
            municipality = municipalities.get(name)
            if municipality is None:
                result.errors.append(_("Row %(row)s: unknown municipality “%(name)s”.")
                                     % {"row": number, "name": name})
        parsed.append((answers, municipality))
    if result.errors:
        return result
    with transaction.atomic():
        for answers, municipality in parsed:
            perspective, system = services._grouping(instrument, answers)
            Response.objects.create(wave=wave, municipality=municipality,
                                    submitted_on=services.timezone.localdate(),
                                    language="de", perspective=perspective,
                                    professional_system=system, answers=answers,
                                    vector=schema.vectorize(instrument, answers))
        log_action(actor=actor, action="import", obj=wave,
                   summary=note(gettext_noop("%(count)s paper questionnaires imported"),
                                count=len(parsed)))
        # the rows went in in the file's order: mix them with the others
        mixing.responses_mix(wave=wave)
    result.stored = len(parsed)
    return result
