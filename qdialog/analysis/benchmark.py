"""Benchmarking: a municipality's scale scores against its cluster and the whole programme.

Uses the answer sets of a programme- or cluster-wide wave (each answer set carries its
municipality). Municipalities with fewer answer sets than the minimum group size take no part.
Municipal users see only the distribution (quartiles, their percentile), never other names;
institute staff see names only when the programme allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qdialog.surveys import schema

from . import stats
from .engine import dimension_scores, load_frame


@dataclass
class Distribution:
    n_municipalities: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    percentile: float | None
    rank: int | None


@dataclass
class BenchmarkRow:
    dimension: str
    label: str
    own: float | None
    own_n: int
    cluster: Distribution
    programme: Distribution
    named: list[tuple[str, float, bool]]  # (municipality, mean, is own) – institute only


def _distribution(means: dict[int, float], own_id: int | None) -> Distribution:
    values = np.array(list(means.values()))
    if values.size == 0:
        return Distribution(0, None, None, None, None, None, None, None)
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    own = means.get(own_id)
    rank = None if own is None else int((values > own).sum()) + 1
    percentile = None if own is None else stats.percentile_rank(own, list(values))
    return Distribution(int(values.size), float(values.min()), float(q1), float(median),
                        float(q3), float(values.max()), percentile, rank)


def benchmark(wave, municipality, *, with_names: bool) -> list[BenchmarkRow]:
    minimum = max(3, wave.min_group_size)
    instrument = schema.compiled(wave.instrument)
    frame = load_frame(wave)
    municipalities = {m.pk: m for m in wave.programme.municipalities.all()}
    ids = frame.municipality
    counts = {mid: int((ids == mid).sum()) for mid in set(ids.tolist()) if mid is not None}
    eligible = {mid for mid, n in counts.items() if n >= minimum}
    cluster_ids = {mid for mid in eligible
                   if municipalities.get(mid) and municipality.cluster_id is not None
                   and municipalities[mid].cluster_id == municipality.cluster_id}
    rows = []
    for name, (_, _, score) in dimension_scores(frame).items():
        means = {}
        for mid in eligible:
            values = score[(ids == mid) & ~np.isnan(score)]
            if values.size >= minimum:
                means[mid] = float(values.mean())
        own = means.get(municipality.pk)
        named = []
        if with_names:
            named = sorted(((str(municipalities[mid]), mean, mid == municipality.pk)
                            for mid, mean in means.items() if mid in cluster_ids),
                           key=lambda r: -r[1])
        rows.append(BenchmarkRow(
            name, instrument.dimension_label(name), own, counts.get(municipality.pk, 0),
            _distribution({k: v for k, v in means.items() if k in cluster_ids},
                          municipality.pk),
            _distribution(means, municipality.pk), named))
    return rows
