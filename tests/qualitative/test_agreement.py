"""The agreement figures of double coding against independent implementations: Krippendorff's
α against the `krippendorff` package, Cohen's κ against scikit-learn, on generated codings with
known agreement and on the edge cases (one category only, a coder who coded nothing, perfect and
chance agreement, missing units)."""

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qdialog.qualitative import agreement

CODES = ["zusammenarbeit", "rueckmeldung", "zeitdruck", "haltung"]


def generate(seed, coders=2, units=60, agree=0.8, missing=0.0, rate=0.3):
    """Codings where each coder copies a reference coding with probability `agree` per decision
    and otherwise decides at random; `missing` is the share of units a coder did not get to."""
    rng = np.random.default_rng(seed)
    reference = {f"u{i}": {c for c in CODES if rng.random() < rate} for i in range(units)}
    codings = {}
    for n in range(coders):
        mine = {}
        for unit, codes in reference.items():
            if rng.random() < missing:
                continue
            mine[unit] = {c for c in CODES if ((c in codes) if rng.random() < agree
                                               else rng.random() < rate)}
        codings[f"coder{n}"] = mine
    return codings


def matrix(values, coders, units):
    return np.array([[values[c].get(u, np.nan) for u in units] for c in coders], dtype=float)


def reference_alpha(values):
    coders = sorted(values)
    units = sorted({u for v in values.values() for u in v}, key=str)
    return krippendorff.alpha(reliability_data=matrix(values, coders, units),
                              level_of_measurement="nominal")


@pytest.mark.parametrize("seed,coders,agree,missing", [
    (1, 2, 0.9, 0.0), (2, 2, 0.6, 0.0), (3, 3, 0.8, 0.0), (4, 4, 0.7, 0.2), (5, 2, 0.8, 0.3),
    (6, 5, 0.5, 0.1)])
def test_alpha_per_code_and_overall_match_the_krippendorff_package(seed, coders, agree, missing):
    codings = generate(seed, coders=coders, agree=agree, missing=missing)
    for code, figures in agreement.per_code(codings, CODES).items():
        expected = reference_alpha(agreement.decisions(codings, code))
        assert figures.alpha == pytest.approx(expected, abs=1e-9), code
    pooled = {coder: {(u, c): int(c in given) for u, given in units.items() for c in CODES}
              for coder, units in codings.items()}
    assert agreement.overall(codings, CODES).alpha == pytest.approx(
        reference_alpha(pooled), abs=1e-9)


@pytest.mark.parametrize("seed,agree,missing", [(11, 0.9, 0.0), (12, 0.5, 0.0), (13, 0.8, 0.25)])
def test_kappa_matches_scikit_learn_on_the_units_both_coded(seed, agree, missing):
    codings = generate(seed, coders=2, agree=agree, missing=missing)
    a, b = codings["coder0"], codings["coder1"]
    shared = sorted(a.keys() & b.keys())
    for code, figures in agreement.per_code(codings, CODES).items():
        x = [int(code in a[u]) for u in shared]
        y = [int(code in b[u]) for u in shared]
        expected = cohen_kappa_score(x, y)
        if math.isnan(expected):
            assert figures.kappa is None
        else:
            assert figures.kappa == pytest.approx(expected, abs=1e-9), code
        assert figures.percent == pytest.approx(
            sum(p == q for p, q in zip(x, y, strict=True)) / len(shared))
        assert figures.units == len(shared)


def test_perfect_agreement():
    codings = generate(21, coders=3, agree=1.0)
    figures = agreement.overall(codings, CODES)
    assert figures.alpha == pytest.approx(1.0) and figures.percent == 1.0
    assert agreement.disagreements(codings, CODES) == []


def test_chance_agreement_is_near_zero():
    codings = generate(22, coders=2, units=4000, agree=0.0)
    figures = agreement.overall(codings, CODES)
    assert abs(figures.alpha) < 0.05 and abs(figures.kappa) < 0.05
    assert figures.percent > 0.5  # high percent agreement by chance alone: why κ and α matter


def test_one_category_only_is_not_a_number():
    """Everyone gave the code to everything: agreement is perfect, but κ and α are not defined
    (no variation, p_e = 1); the references say so too."""
    codings = {c: {f"u{i}": {"zusammenarbeit"} for i in range(10)} for c in ("a", "b")}
    figures = agreement.per_code(codings, ["zusammenarbeit"])["zusammenarbeit"]
    assert figures.percent == 1.0 and figures.kappa is None and figures.alpha is None
    assert math.isnan(cohen_kappa_score([1] * 10, [1] * 10))
    with pytest.raises(ValueError):
        krippendorff.alpha(reliability_data=np.ones((2, 10)), level_of_measurement="nominal")


def test_a_coder_who_coded_nothing():
    """Coded every unit, gave no code: decisions of 0, which disagree with the other coder's."""
    other = generate(31, coders=1)["coder0"]
    codings = {"busy": other, "idle": {u: set() for u in other}}
    for code, figures in agreement.per_code(codings, CODES).items():
        values = agreement.decisions(codings, code)
        expected = reference_alpha(values)
        assert figures.alpha == pytest.approx(expected, abs=1e-9)
        x = [values["busy"][u] for u in sorted(other)]
        y = [0] * len(x)
        assert figures.kappa == pytest.approx(cohen_kappa_score(x, y), abs=1e-9)


def test_missing_is_not_no_code():
    """A unit a coder did not get to leaves them out of that unit; it does not count as 0."""
    codings = {"a": {"u1": {"x"}, "u2": set(), "u3": {"x"}},
               "b": {"u1": {"x"}, "u2": set()}}  # b has not coded u3
    figures = agreement.per_code(codings, ["x"])["x"]
    assert figures.units == 2 and figures.percent == 1.0
    as_zero = {"a": codings["a"], "b": {**codings["b"], "u3": set()}}
    assert agreement.per_code(as_zero, ["x"])["x"].percent < 1.0


def test_nobody_coded_the_same_unit():
    codings = {"a": {"u1": {"x"}}, "b": {"u2": {"x"}}}
    figures = agreement.per_code(codings, ["x"])["x"]
    assert (figures.units, figures.percent, figures.kappa, figures.alpha) == (0, None, None, None)


def test_disagreements_are_listed_side_by_side():
    codings = {"a": {"u1": {"x", "y"}, "u2": {"x"}}, "b": {"u1": {"x"}, "u2": {"x"}}}
    assert agreement.disagreements(codings, ["x", "y"]) == [("u1", "y", {"a": 1, "b": 0})]
