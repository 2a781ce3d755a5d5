"""Reads: consent, differences, indicator results beside a standard, templates to copy."""

from __future__ import annotations

import difflib
import statistics

from django.db.models import Q

from qdialog.analysis.engine import wave_results
from qdialog.surveys.models import Item, ItemKind, Wave, WaveStatus

from .models import CONSENT_SCALE, Amendment, Comment, Rating, Standard, StandardStatus


def consent(standard) -> dict:
    """Distribution of the consent ratings of the current version, and the minority positions
    (ratings of 1 or 2) with what was said – they stay visible."""
    ratings = list(standard.ratings.filter(version=standard.version).select_related("user"))
    values = [r.value for r in ratings]
    counts = [(label, values.count(value), value) for value, label in CONSENT_SCALE]
    return {"n": len(values), "counts": counts,
            "mean": round(statistics.fmean(values), 2) if values else None,
            "spread": round(statistics.pstdev(values), 2) if len(values) > 1 else None,
            "minority": [r for r in ratings if r.value <= 2],
            "max": max([c for _l, c, _v in counts] + [1])}


def diff(original: str, proposal: str) -> list[tuple[str, str]]:
    """Word-level difference: [(op, text)] with op in "same", "del", "ins"."""
    a, b = original.split(), proposal.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("ins", " ".join(b[j1:j2])))
    return out


def templates_for(municipality):
    """Documents shared by other municipalities of the programme, the cluster's first."""
    return (Standard.objects.filter(shared=True,
                                    municipality__programme_id=municipality.programme_id)
            .exclude(municipality=municipality).select_related("municipality")
            .order_by("-municipality__cluster_id", "municipality__name", "title")
            .filter(Q(municipality__cluster_id=municipality.cluster_id)
                    | Q(municipality__programme_id=municipality.programme_id)))


def latest_wave(municipality):
    covering = (Q(municipality=municipality)
                | Q(municipality__isnull=True, cluster_id=municipality.cluster_id)
                | Q(municipality__isnull=True, cluster__isnull=True,
                    programme_id=municipality.programme_id))
    # results exist only for closed waves (see analysis.engine)
    return (Wave.objects.filter(covering, status=WaveStatus.CLOSED)
            .select_related("instrument").order_by("-opens_on", "-id").first())


#: the kinds of question whose results a standard's indicator can show (a mean on a scale)
INDICATOR_KINDS = (ItemKind.LIKERT, ItemKind.MATRIX)


def indicator_items(municipality, query: str = "", language: str = "de") -> list[dict]:
    """The survey items a standard of the municipality can point at, by dimension: the rating
    questions of the instruments the municipality may use (the programme's and its own), each
    code once with the text of its newest version. `query` narrows them by code or text.
    [{"key", "label", "items": [(code, text)]}]."""
    items = (Item.objects.filter(
        Q(section__instrument__municipality__isnull=True)
        | Q(section__instrument__municipality=municipality),
        section__instrument__programme_id=municipality.programme_id, kind__in=INDICATOR_KINDS)
        .select_related("section__instrument")
        .order_by("-section__instrument__version", "-section__instrument_id", "position", "id"))
    needle = query.strip().casefold()
    seen, groups = set(), {}
    for item in items:
        if item.code in seen:
            continue
        seen.add(item.code)
        text = (item.text_en if language == "en" and item.text_en else item.text_de)
        if needle and needle not in f"{item.code} {item.text_de} {item.text_en}".casefold():
            continue
        labels = (item.section.instrument.dimension_labels or {}).get(item.dimension) or {}
        group = groups.setdefault(item.dimension, {
            "key": item.dimension, "items": [],
            "label": labels.get(language) or labels.get("de") or item.dimension})
        group["items"].append((item.code, text))
    ordered = sorted(groups.values(), key=lambda g: (not g["key"], g["label"].casefold()))
    for group in ordered:
        group["items"].sort(key=lambda pair: pair[0])
    return ordered


def indicator_codes(municipality) -> set[str]:
    """Every item code an indicator of the municipality's standards may name."""
    return {code for group in indicator_items(municipality) for code, _text in group["items"]}


def indicator_results(standard) -> dict:
    """{item code: (label, figures or None)} from the latest wave covering the municipality,
    for the municipality's answers only, suppressed below the minimum group size."""
    codes = {code for indicator in standard.indicators.all() for code in indicator.codes}
    if not codes:
        return {"wave": None, "items": {}}
    wave = latest_wave(standard.municipality)
    if wave is None:
        return {"wave": None, "items": {}}

    results = wave_results(wave, municipality_ids=[standard.municipality_id])
    items = {}
    for item in results.items:
        if item.variable.item in codes:
            overall = item.overall
            items[item.variable.item] = {
                "label": item.variable.label("de"), "shown": overall.shown,
                "mean": round(overall.summary.mean, 2) if overall.shown else None,
                "n": overall.n_valid if overall.shown else None,
                "scale": len(item.variable.choices), "asked": True}
    asked = set(Item.objects.filter(section__instrument_id=wave.instrument_id)
                .values_list("code", flat=True))
    for code in sorted(codes - set(items)):  # too few answers, or not asked in that wave
        items[code] = {"label": "", "shown": False, "mean": None, "n": None, "scale": None,
                       "asked": code in asked}
    return {"wave": wave, "items": items, "minimum": results.minimum}


def catalogue(municipality, status=None):
    qs = municipality.standards.all()
    if status:
        qs = qs.filter(status=status)
    return qs


ADOPTED_KINDS = (StandardStatus.ADOPTED,)


def person_data(user) -> dict:
    """What this app holds about a person, for their data export (accounts/personal_data)."""
    def iso(value):
        return value.isoformat() if value else None

    return {
        "comments": [{"document": str(c.standard), "paragraph": c.paragraph + 1,
                      "text": c.text, "at": iso(c.created_at)}
                     for c in Comment.objects.filter(author=user).select_related("standard")],
        "amendments": [{"document": str(a.standard), "proposal": a.proposal,
                        "reason": a.reason, "status": a.status, "at": iso(a.created_at)}
                       for a in Amendment.objects.filter(author=user).select_related(
                           "standard")],
        "consent_ratings": [{"document": str(r.standard), "version": r.version,
                             "value": r.value, "statement": r.statement}
                            for r in Rating.objects.filter(user=user).select_related(
                                "standard")],
    }


def timeline_entries(process) -> list[dict]:
    """The adopted standards of the process's municipality (a cluster's process has none)."""
    if not process.municipality_id:
        return []
    return [{"date": s.adopted_on, "end": None, "kind": "standard", "object": s}
            for s in Standard.objects.filter(municipality_id=process.municipality_id,
                                             adopted_on__isnull=False)]
