"""Agreement between coders who coded the same material independently (double coding).

**Units.** Coders code *units*: a survey answer, a sentence or a paragraph of a transcript (the
project says which; docs/qualitative.md). A coding of a free passage counts for every unit it
overlaps, as MAXQDA's segment agreement does at the level of whole units. For each coder a unit
is either *coded* – the coder finished it, with the set of codes they gave it, perhaps none – or
*missing*, because the coder did not get to it. Missing is not the same as "no code applies".

**Per code.** For a code, each coder's decision on a unit is 1 (gave the code) or 0 (coded the
unit without it); missing stays missing. On those decisions:

- *percent agreement*: the share of agreeing pairs of decisions, over every pair of coders and
  every unit both coded;
- *Cohen's κ* (two coders only): (p_o − p_e) / (1 − p_e) on the units both coded, p_e from each
  coder's own rates (Cohen 1960);
- *Krippendorff's α*, nominal: 1 − D_o / D_e from the coincidence matrix, for any number of
  coders, missing decisions allowed, units with fewer than two decisions left out
  (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

**Overall.** The same three figures over all decisions on all codes together (each unit × code
one decision).

A figure is None where it is not defined – κ and α when every decision is the same (only one
category in use: p_e = 1, D_e = 0), percent agreement when no unit was coded twice – and the
page says why instead of showing a number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

#: coder -> unit -> the set of codes given (a unit absent from a coder's dict is missing)
Codings = dict[str, dict[str, set[str]]]


@dataclass(frozen=True)
class Agreement:
    units: int  # units with decisions of at least two coders
    percent: float | None
    kappa: float | None
    alpha: float | None


def decisions(codings: Codings, code: str) -> dict[str, dict[str, int]]:
    """coder -> unit -> 1/0 for one code (missing units left out)."""
    return {coder: {unit: int(code in given) for unit, given in units.items()}
            for coder, units in codings.items()}


def _pooled(codings: Codings, codes) -> dict[str, dict[tuple, int]]:
    return {coder: {(unit, code): int(code in given) for unit, given in units.items()
                    for code in codes}
            for coder, units in codings.items()}


def percent_agreement(values: dict[str, dict]) -> float | None:
    agree = total = 0
    for a, b in combinations(sorted(values), 2):
        for unit in values[a].keys() & values[b].keys():
            total += 1
            agree += values[a][unit] == values[b][unit]
    return agree / total if total else None


def cohen_kappa(values: dict[str, dict]) -> float | None:
    """Cohen's κ of exactly two coders on the units both coded."""
    if len(values) != 2:
        return None
    a, b = (values[c] for c in sorted(values))
    shared = sorted(a.keys() & b.keys(), key=str)
    n = len(shared)
    if not n:
        return None
    observed = sum(a[u] == b[u] for u in shared) / n
    rate_a, rate_b = Counter(a[u] for u in shared), Counter(b[u] for u in shared)
    expected = sum(rate_a[k] * rate_b[k] for k in rate_a.keys() | rate_b.keys()) / n ** 2
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(values: dict[str, dict]) -> float | None:
    """Krippendorff's α for nominal data, any number of coders, missing values allowed."""
    by_unit: dict = {}
    for coder_values in values.values():
        for unit, value in coder_values.items():
            by_unit.setdefault(unit, []).append(value)
    coincidence: Counter = Counter()
    for unit_values in by_unit.values():
        m = len(unit_values)
        if m < 2:
            continue  # a unit only one coder coded cannot show agreement
        for i, c in enumerate(unit_values):
            for j, k in enumerate(unit_values):
                if i != j:
                    coincidence[c, k] += 1 / (m - 1)
    totals: Counter = Counter()
    for (c, _k), weight in coincidence.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def _paired_units(values: dict[str, dict]) -> int:
    counts = Counter(unit for coder_values in values.values() for unit in coder_values)
    return sum(1 for n in counts.values() if n >= 2)


def _figures(values) -> Agreement:
    return Agreement(units=_paired_units(values), percent=percent_agreement(values),
                     kappa=cohen_kappa(values), alpha=krippendorff_alpha(values))


def per_code(codings: Codings, codes) -> dict[str, Agreement]:
    return {code: _figures(decisions(codings, code)) for code in codes}


def overall(codings: Codings, codes) -> Agreement:
    pooled = _pooled(codings, list(codes))
    return Agreement(units=_paired_units(decisions(codings, "")), percent=percent_agreement(
        pooled), kappa=cohen_kappa(pooled), alpha=krippendorff_alpha(pooled))


def disagreements(codings: Codings, codes) -> list[tuple[str, str, dict[str, int]]]:
    """(unit, code, {coder: decision}) wherever coders decided differently, for the consensus
    discussion, in unit order."""
    found = []
    units = sorted({u for coder_units in codings.values() for u in coder_units}, key=str)
    for unit in units:
        for code in codes:
            given = {coder: int(code in coder_units[unit])
                     for coder, coder_units in codings.items() if unit in coder_units}
            if len(given) >= 2 and len(set(given.values())) > 1:
                found.append((unit, code, given))
    return found
