"""The product's statistics against independent computations (scipy, numpy's covariance)."""

import math

import numpy as np
import pytest
from scipy import stats as sp

from qdialog.analysis import stats


@pytest.fixture
def rng():
    return np.random.default_rng(79)


def test_summary_matches_scipy(rng):
    x = rng.normal(3.2, 0.9, 257)
    x[::17] = np.nan  # missing values are ignored
    s = stats.summary(x)
    valid = x[~np.isnan(x)]
    low, high = sp.t.interval(0.95, valid.size - 1, loc=valid.mean(), scale=sp.sem(valid))
    assert s.n == valid.size
    assert s.mean == pytest.approx(valid.mean())
    assert s.median == pytest.approx(np.median(valid))
    assert s.sd == pytest.approx(np.std(valid, ddof=1))
    assert (s.ci_low, s.ci_high) == pytest.approx((low, high))


def test_summary_of_tiny_samples():
    assert stats.summary(np.array([np.nan])).mean is None
    one = stats.summary(np.array([4.0]))
    assert one.mean == 4 and one.ci_low is None


def _alpha_via_covariance(m):
    """Cronbach's alpha from the covariance matrix: k/(k-1) · (1 - trace(C) / sum(C))."""
    c = np.cov(m, rowvar=False)
    k = m.shape[1]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def test_cronbach_alpha_with_known_structure(rng):
    # 400 respondents, 6 items driven by one latent trait: alpha is high
    trait = rng.normal(0, 1, (400, 1))
    items = trait + rng.normal(0, 0.7, (400, 6))
    result = stats.cronbach_alpha(items)
    assert result.value == pytest.approx(_alpha_via_covariance(items))
    assert 0.85 < result.value < 0.95
    # Feldt's interval, computed independently with scipy's F distribution
    n, k = items.shape
    f_hi, f_lo = sp.f.ppf(0.975, n - 1, (n - 1) * (k - 1)), sp.f.ppf(0.025, n - 1,
                                                                      (n - 1) * (k - 1))
    assert result.ci_low == pytest.approx(1 - (1 - result.value) * f_hi)
    assert result.ci_high == pytest.approx(1 - (1 - result.value) * f_lo)
    assert result.ci_low < result.value < result.ci_high
    # independent items: alpha near zero
    noise = rng.normal(0, 1, (400, 6))
    assert abs(stats.cronbach_alpha(noise).value) < 0.2


def test_alpha_uses_complete_cases_only(rng):
    m = rng.normal(0, 1, (50, 3)) + rng.normal(0, 1, (50, 1))
    m[0, 1] = np.nan
    assert stats.cronbach_alpha(m).n == 49
    assert stats.cronbach_alpha(m).value == pytest.approx(_alpha_via_covariance(m[1:]))


def test_difference_matches_welch(rng):
    a = rng.normal(3.0, 1.0, 120)
    b = rng.normal(3.4, 1.3, 90)
    d = stats.difference(a, b)
    welch = sp.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert d.diff == pytest.approx(b.mean() - a.mean())
    assert (d.ci_low, d.ci_high) == pytest.approx((ci.low, ci.high))
    assert d.p == pytest.approx(welch.pvalue)
    # Hedges' g against the exact small-sample correction (gamma functions)
    n1, n2 = a.size, b.size
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    df = n1 + n2 - 2
    exact = math.exp(math.lgamma(df / 2) - math.log(math.sqrt(df / 2))
                     - math.lgamma((df - 1) / 2))
    assert d.g == pytest.approx((b.mean() - a.mean()) / pooled * exact, rel=1e-3)


def _hedges_g(a, b, axis=-1):
    na, nb = a.shape[axis], b.shape[axis]
    pooled = np.sqrt(((na - 1) * a.var(ddof=1, axis=axis) + (nb - 1) * b.var(ddof=1, axis=axis))
                     / (na + nb - 2))
    return (b.mean(axis=axis) - a.mean(axis=axis)) / pooled * (1 - 3 / (4 * (na + nb) - 9))


@pytest.mark.parametrize("sizes", [(120, 90), (12, 9), (40, 400)])
def test_hedges_g_interval(rng, sizes):
    a = rng.normal(3.0, 1.0, sizes[0])
    b = rng.normal(3.4, 1.1, sizes[1])
    d = stats.difference(a, b)
    assert d.g_low < d.g < d.g_high
    # the interval's defining property, with scipy's noncentral t: at each bound the observed
    # t statistic of the pooled two-sample test sits at the 97.5th or 2.5th percentile
    t = sp.ttest_ind(b, a, equal_var=True).statistic
    df = a.size + b.size - 2
    scale = math.sqrt(a.size * b.size / (a.size + b.size))
    correction = 1 - 3 / (4 * (a.size + b.size) - 9)
    for bound, probability in ((d.g_low, 0.975), (d.g_high, 0.025)):
        assert sp.nct.cdf(t, df, bound / correction * scale) == pytest.approx(probability)
    # and close to a bootstrap interval of the same statistic (a wholly different route; the
    # bootstrap is itself too wide for samples as small as 12 and 9, so only for larger ones)
    if min(sizes) < 30:
        return
    boot = sp.bootstrap((a, b), _hedges_g, n_resamples=4000, method="percentile",
                        random_state=np.random.default_rng(7), vectorized=True)
    width = d.g_high - d.g_low
    assert d.g_low == pytest.approx(boot.confidence_interval.low, abs=0.12 * width)
    assert d.g_high == pytest.approx(boot.confidence_interval.high, abs=0.12 * width)


def test_standardised_spread(rng):
    groups = [rng.normal(m, 1.0, 200) for m in (2.0, 2.5, 3.0)]
    spread, std = stats.standardised_spread(groups)
    assert spread == pytest.approx(max(g.mean() for g in groups) - min(g.mean() for g in groups))
    assert std == pytest.approx(spread / 1.0, rel=0.1)


def test_percentile_rank():
    assert stats.percentile_rank(3, [1, 2, 3, 4]) == pytest.approx(
        sp.percentileofscore([1, 2, 3, 4], 3, kind="mean"))


def test_spread_from_summaries_equals_spread_from_values(rng):
    groups = [rng.normal(m, s, n) for m, s, n in ((2.0, 0.8, 40), (2.7, 1.1, 90), (3.1, 0.9, 15))]
    assert stats.spread_of([stats.summary(g) for g in groups]) == pytest.approx(
        stats.standardised_spread(groups))
