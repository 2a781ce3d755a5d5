"""Benchmarking: a municipality's scale scores against its cluster and the whole programme.

Uses a closed programme- or cluster-wide wave. A municipality takes part in a dimension where
the wave's disclosure plan publishes its scale score. What a municipality's coordinator sees of
the others must never let them work out another municipality's score, so:

* the others of the cluster appear as one pooled mean over all their answer sets, and only
  when at least `POOLED_MIN` (2) other municipalities take part – the pooled mean of a single
  other municipality would be its score;
* a distribution (quartiles, the own position and rank) only over at least `DISTRIBUTION_MIN`
  (10) municipalities, with quartiles rounded to one decimal and the position to steps of ten –
  never the lowest and highest score, which are other municipalities' exact scores;
* names only for institute staff, and only where the programme allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qdialog.disclosure import plan as plans
from qdialog.disclosure.services import plan_for
from qdialog.surveys import schema

from . import stats
from .engine import dimension_scores, load_frame

POOLED_MIN = 2
DISTRIBUTION_MIN = 10


@dataclass
class Distribution:
    n_municipalities: int  # taking part, the own municipality not counted
    pooled: float | None  # mean over all answer sets of the others
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    percentile: int | None = None  # share of municipalities at or below the own score
    rank: int | None = None


@dataclass
class BenchmarkRow:
    dimension: str
    label: str
    own: float | None
    own_n: int
    cluster: Distribution
    programme: Distribution
    named: list[tuple[str, float, bool]]  # (municipality, mean, is own) – institute only


def _distribution(scores: dict[int, np.ndarray], own_id: int) -> Distribution:
    others = {mid: v for mid, v in scores.items() if mid != own_id}
    pooled = None
    if len(others) >= POOLED_MIN:
        pooled = float(np.concatenate(list(others.values())).mean())
    out = Distribution(len(others), pooled)
    means = [float(v.mean()) for v in scores.values()]
    if len(scores) >= DISTRIBUTION_MIN:
        q1, median, q3 = np.percentile(means, [25, 50, 75])
        out.q1, out.median, out.q3 = (round(float(x), 1) for x in (q1, median, q3))
        if own_id in scores:
            own = float(scores[own_id].mean())
            out.percentile = int(round(stats.percentile_rank(own, means) / 10) * 10)
            out.rank = int(sum(m > own for m in means)) + 1
    return out


def benchmark(wave, municipality, *, with_names: bool) -> list[BenchmarkRow]:
    plan = plan_for(wave)
    if plan is None or wave.municipality_id is not None:
        return []
    frame = load_frame(wave)
    municipalities = {m.pk: m for m in wave.programme.municipalities.all()}
    ids = frame.municipality
    own_unit = plans.municipality_unit(municipality.pk)
    instrument = schema.compiled(wave.instrument)
    rows = []
    for name, (_, _, score) in dimension_scores(frame).items():
        key = f"dim:{name}"
        scores = {}
        for mid in municipalities:
            if plan.count_shown(key, plans.municipality_unit(mid)):
                values = score[(ids == mid) & ~np.isnan(score)]
                if values.size:
                    scores[mid] = values
        in_cluster = {mid: v for mid, v in scores.items()
                      if municipality.cluster_id is not None
                      and municipalities[mid].cluster_id == municipality.cluster_id}
        own = scores.get(municipality.pk)
        named = []
        if with_names:
            named = sorted(((str(municipalities[mid]), float(v.mean()), mid == municipality.pk)
                            for mid, v in in_cluster.items()), key=lambda r: -r[1])
        rows.append(BenchmarkRow(
            name, instrument.dimension_label(name), None if own is None else float(own.mean()),
            plan.sizes.get(own_unit, 0), _distribution(in_cluster, municipality.pk),
            _distribution(scores, municipality.pk), named))
    return rows

