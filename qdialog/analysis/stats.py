"""Descriptive and comparative statistics on plain numpy arrays (no database, no Django).

Every function ignores NaN (not answered, don't know, not shown) and returns None where a figure
cannot be computed (too few values). The tests check them against independent computations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize
from scipy import stats as sp


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@lru_cache(maxsize=4096)
def _t_critical(confidence: float, dof: int) -> float:
    return float(sp.t.ppf(0.5 + confidence / 2, dof))


def summary(values: np.ndarray, confidence: float = 0.95) -> Summary:
    """Mean, median, SD and the t-based confidence interval of the mean."""
    x = values[~np.isnan(values)]
    n = int(x.size)
    if n == 0:
        return Summary(0, None, None, None, None, None)
    mean = float(x.mean())
    median = float(np.median(x))
    if n < 2:
        return Summary(n, mean, median, None, None, None)
    sd = float(x.std(ddof=1))
    half = _t_critical(confidence, n - 1) * sd / math.sqrt(n)
    return Summary(n, mean, median, sd, mean - half, mean + half)


@dataclass(frozen=True)
class Alpha:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    k: int


def cronbach_alpha(matrix: np.ndarray, confidence: float = 0.95) -> Alpha:
    """Cronbach's alpha over complete cases (rows without NaN), with Feldt's confidence interval.

    `matrix` has one row per respondent and one column per item (already reverse coded).
    """
    k = matrix.shape[1] if matrix.ndim == 2 else 0
    rows = matrix[~np.isnan(matrix).any(axis=1)] if k else matrix
    n = int(rows.shape[0]) if k else 0
    if k < 2 or n < 3:
        return Alpha(None, None, None, n, k)
    item_var = rows.var(axis=0, ddof=1).sum()
    total_var = rows.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return Alpha(None, None, None, n, k)
    alpha = k / (k - 1) * (1 - item_var / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * sp.f.ppf(0.5 + confidence / 2, df1, df2)
    high = 1 - (1 - alpha) * sp.f.ppf(0.5 - confidence / 2, df1, df2)
    return Alpha(float(alpha), float(low), float(high), n, k)


@dataclass(frozen=True)
class Difference:
    """b minus a, for two independent samples (Welch), with Hedges' g."""

    n_a: int
    n_b: int
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    g: float | None
    p: float | None
    g_low: float | None = None  # confidence interval of g (noncentral t)
    g_high: float | None = None


def hedges_g_interval(g: float, na: int, nb: int, confidence: float = 0.95):
    """Confidence interval of Hedges' g by inverting the noncentral t distribution (the exact
    interval for the standardised difference of two normal samples, as in Hedges & Olkin 1985,
    Steiger & Fouladi 1997), corrected for small samples like g itself."""
    df = na + nb - 2
    correction = 1 - 3 / (4 * (na + nb) - 9)
    scale = math.sqrt(na * nb / (na + nb))
    t = g / correction * scale
    # the bounds lie within a few standard errors of t; a tight bracket keeps scipy's noncentral
    # t away from the far tails, where it cannot be evaluated
    span = 1 + 4 * math.sqrt(1 + t * t / (2 * df))

    def ncp_for(probability):
        return optimize.brentq(lambda ncp: sp.nct.cdf(t, df, ncp) - probability,
                               t - span, t + span)

    alpha = 1 - confidence
    low, high = ncp_for(1 - alpha / 2), ncp_for(alpha / 2)
    return low / scale * correction, high / scale * correction


def difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> Difference:
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    na, nb = int(a.size), int(b.size)
    if na < 2 or nb < 2:
        return Difference(na, nb, None, None, None, None, None)
    va, vb = a.var(ddof=1), b.var(ddof=1)
    diff = float(b.mean() - a.mean())
    se = math.sqrt(va / na + vb / nb)
    if se == 0:
        return Difference(na, nb, diff, diff, diff, None, None)
    dof = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
    half = float(sp.t.ppf(0.5 + confidence / 2, dof)) * se
    pooled = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    g = None
    if pooled > 0:
        correction = 1 - 3 / (4 * (na + nb) - 9)
        g = diff / pooled * correction
    p = float(2 * sp.t.sf(abs(diff / se), dof))
    g_low, g_high = hedges_g_interval(g, na, nb, confidence) if g is not None else (None, None)
    return Difference(na, nb, diff, diff - half, diff + half, g, p, g_low, g_high)


def standardised_spread(groups: list[np.ndarray]) -> tuple[float | None, float | None]:
    """How far group means lie apart: (largest minus smallest mean, that difference divided by
    the pooled within-group standard deviation)."""
    groups = [g[~np.isnan(g)] for g in groups]
    groups = [g for g in groups if g.size >= 2]
    if len(groups) < 2:
        return None, None
    means = [g.mean() for g in groups]
    spread = float(max(means) - min(means))
    within = sum((g.size - 1) * g.var(ddof=1) for g in groups)
    dof = sum(g.size - 1 for g in groups)
    pooled = math.sqrt(within / dof) if dof > 0 else 0
    return spread, (spread / pooled if pooled > 0 else None)


def spread_of(summaries: list[Summary]) -> tuple[float | None, float | None]:
    """standardised_spread() from group summaries (n, mean, SD) instead of the raw values."""
    groups = [s for s in summaries if s.n >= 2 and s.sd is not None]
    if len(groups) < 2:
        return None, None
    means = [s.mean for s in groups]
    spread = float(max(means) - min(means))
    dof = sum(s.n - 1 for s in groups)
    pooled = math.sqrt(sum((s.n - 1) * s.sd ** 2 for s in groups) / dof) if dof else 0
    return spread, (spread / pooled if pooled > 0 else None)


def percentile_rank(value: float, others: list[float]) -> float | None:
    """Share of values at or below `value`, in per cent (mean rank for ties)."""
    if not others:
        return None
    return float(sp.percentileofscore(others, value, kind="mean"))
