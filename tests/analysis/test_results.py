"""Wave results: correct figures, only for closed waves, and no output ever reveals a group
below the minimum."""

import datetime as dt
import random
import re

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdialog.analysis.engine import wave_results
from qdialog.surveys import services
from qdialog.surveys.models import Response
from tests.surveys.conftest import SMALL


@pytest.fixture
def wave(world):
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "t0", "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=3)})
    services.wave_open(actor=None, wave=wave)
    wave.refresh_from_db()
    return wave


def close(*waves):
    for wave in waves:
        services.wave_close(actor=None, wave=wave)
        wave.refresh_from_db()


def store(wave, municipality, perspective, q1, q2=3, system="1"):
    Response.objects.create(
        wave=wave, municipality=municipality, submitted_on=timezone.localdate(), language="de",
        perspective=str(perspective), professional_system=system if perspective != 3 else "",
        answers={"perspective": perspective, "system": int(system) if perspective != 3 else "_ns",
                 "q1": q1, "q2": q2, "grid__a": 4, "grid__b": "_na", "count": 10})


def test_figures_match_a_direct_computation(world, wave):
    rng = random.Random(5)
    values = {1: [], 2: []}
    for i in range(60):
        perspective = 1 if i % 3 == 0 else 2
        q1 = "_dk" if i % 10 == 0 else rng.randint(1, 5)
        store(wave, world.m1, perspective, q1)
        if q1 != "_dk":
            values[perspective].append(q1)
    close(wave)
    r = wave_results(wave, municipality_ids=[world.m1.pk])
    item = next(i for i in r.items if i.variable.name == "q1")
    everyone = values[1] + values[2]
    assert item.overall.n_valid == len(everyone)
    assert item.overall.summary.mean == pytest.approx(np.mean(everyone))
    assert item.overall.dont_know == 6
    assert item.overall.counts == [everyone.count(v) for v in range(1, 6)]
    groups = {g.key: g for g in item.by_perspective}
    assert groups["1"].summary.mean == pytest.approx(np.mean(values[1]))
    # a group publishes its mean only: not its number of valid answers, SD or distribution
    assert groups["1"].n_valid is None and groups["1"].counts is None
    assert groups["1"].summary.sd is None and groups["1"].summary.ci_low is None
    assert item.spread == pytest.approx(abs(np.mean(values[1]) - np.mean(values[2])))
    dim = next(d for d in r.dimensions if d.name == "d")
    # q2 is reverse coded on 4 points: a 3 counts as 2; with q1 "don't know", half of the
    # dimension's items are answered, which is enough for a score (2)
    scores = [(q + 2) / 2 for q in everyone] + [2.0] * 6
    assert dim.overall.summary.mean == pytest.approx(np.mean(scores))


def test_too_few_answer_sets_show_nothing(world, wave):
    for _ in range(4):
        store(wave, world.m1, 2, 4)
    close(wave)
    r = wave_results(wave)
    assert not r.n_shown and r.items == [] and r.dimensions == []


def _all_group_outputs(result, sizes):
    """(figures, true group size) for every group figure the result holds."""
    by_perspective = dict(zip(("1", "2", "3"), sizes))
    by_system = {"1": sizes[0] + sizes[1], "2": 0}  # store() files perspectives 1, 2 as system 1
    for item in result.items:
        yield from ((f, by_perspective.get(f.key)) for f in item.by_perspective)
        yield from ((f, by_system.get(f.key)) for f in item.by_system)
    for dim in result.dimensions:
        yield from ((f, by_perspective.get(f.key)) for f in dim.by_perspective)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3),
       minimum=st.integers(min_value=3, max_value=7), seed=st.integers(0, 1000))
def test_no_output_reveals_a_small_group(world, wave, sizes, minimum, seed):
    """Any mix of group sizes: a group below the minimum never shows a count, share or mean, and
    a lone small group is never left computable from the total."""
    Response.objects.filter(wave=wave).delete()
    type(wave).objects.filter(pk=wave.pk).update(min_group_size=minimum)
    wave.refresh_from_db()
    rng = random.Random(seed)
    for perspective, size in zip((1, 2, 3), sizes):
        for _ in range(size):
            store(wave, world.m1, perspective, rng.randint(1, 5), rng.randint(1, 4))
    if wave.status != "closed":
        close(wave)
    result = wave_results(wave, municipality_ids=[world.m1.pk])
    if sum(sizes) < minimum:
        assert result.items == [] and result.dimensions == []
    hidden = [g for g in result.perspective_groups if g.n_group is None]
    for group in result.perspective_groups:
        size = dict(zip(("1", "2", "3"), sizes)).get(group.key, 0)
        if 0 < size < minimum:
            assert group.n_group is None
    small = [s for s in sizes if 0 < s < minimum]
    if small:
        assert len(hidden) >= 2
    for figures, size in _all_group_outputs(result, sizes):
        if size is not None and 0 < size < minimum:
            assert figures.n_group is None and figures.summary is None
        assert figures.counts is None and figures.shares is None and figures.n_valid is None


def test_results_page_per_role(client_for, world, wave):
    for i in range(12):
        store(wave, world.m1 if i < 8 else world.m2, 2 if i % 2 else 1, 3 + i % 3)
    close(wave)
    url = reverse("analysis:results", args=[wave.pk])
    assert client_for("alice").get(url).context["r"].n == 12
    carol = client_for("carol").get(url)  # cluster 1 holds M1 and M2
    assert carol.status_code == 200 and carol.context["r"].n == 12
    mia = client_for("mia").get(url)  # only her municipality's part
    assert mia.status_code == 200 and mia.context["r"].n == 8
    assert mia.context["municipality"] == world.m1
    assert client_for("mia").get(url + f"?municipality={world.m2.pk}").status_code == 404
    for role in ("paul", "zoe"):
        assert client_for(role).get(url).status_code == 404
    oscar = client_for("oscar").get(url)  # coordinates M3, which answered nothing
    assert oscar.status_code == 200 and oscar.context["r"].n == 0
    anon = client_for("anon").get(url)
    assert anon.status_code == 302
    from qdialog.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="read", object_id=str(wave.pk)).count() >= 4


def test_results_page_query_count(client_for, world, wave, django_assert_max_num_queries):
    for i in range(30):
        store(wave, world.m1, 1 + i % 2, 1 + i % 5)
    close(wave)
    client = client_for("alice")
    client.get(reverse("analysis:results", args=[wave.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("analysis:results", args=[wave.pk]))


def test_wave_comparison_matches_welch(world, wave):
    from scipy import stats as sp

    from qdialog.analysis.engine import compare_waves

    later = services.wave_create(actor=None, instrument=wave.instrument, fields={
        "title": "t1", "timepoint": 1, "opens_on": wave.opens_on, "closes_on": wave.closes_on})
    services.wave_open(actor=None, wave=later)
    rng = random.Random(9)
    a = [rng.randint(1, 4) for _ in range(30)]
    b = [rng.randint(2, 5) for _ in range(25)]
    for q in a:
        store(wave, world.m1, 2, q)
    for q in b:
        store(later, world.m1, 2, q)
    close(wave, later)
    rows = {r.key: r for r in compare_waves(wave, later, municipality_ids=[world.m1.pk])}
    q1 = rows["q1"]
    welch = sp.ttest_ind(b, a, equal_var=False)
    assert q1.difference.diff == pytest.approx(np.mean(b) - np.mean(a))
    assert q1.difference.p == pytest.approx(welch.pvalue)
    assert rows["d"].kind == "dimension" and rows["d"].difference is not None


def test_benchmark_never_shows_another_municipality_of_a_small_cluster(world, wave):
    from qdialog.analysis.benchmark import benchmark

    for municipality, level in ((world.m1, 2), (world.m2, 4), (world.m3, 3)):
        for _ in range(6):
            store(wave, municipality, 2, level, q2=5 - level)
    close(wave)
    d = {r.dimension: r for r in benchmark(wave, world.m1, with_names=False)}["d"]
    assert d.own == pytest.approx(2.0)
    # one other municipality in the cluster: its pooled mean would be its own score
    assert d.cluster.n_municipalities == 1 and d.cluster.pooled is None
    # three municipalities in all: no distribution, no rank
    assert d.programme.n_municipalities == 2 and d.programme.pooled == pytest.approx(3.5)
    assert d.programme.median is None and d.programme.rank is None
    assert d.named == []
    named = {r.dimension: r for r in benchmark(wave, world.m1, with_names=True)}["d"].named
    assert [n for n, _, _ in named] == ["Stadt Zwei", "Landkreis Eins"]


def test_comparison_and_benchmark_pages(client_for, world, wave):
    later = services.wave_create(actor=None, instrument=wave.instrument, fields={
        "title": "t1", "timepoint": 1, "opens_on": wave.opens_on, "closes_on": wave.closes_on})
    services.wave_open(actor=None, wave=later)
    for w in (wave, later):
        for i in range(8):
            store(w, world.m1, 2, 1 + i % 5)
    close(wave, later)
    compare = reverse("analysis:compare", args=[wave.pk, later.pk])
    bench = reverse("analysis:benchmark", args=[wave.pk])
    for role, status in [("alice", 200), ("carol", 200), ("mia", 200), ("paul", 404),
                         ("zoe", 404)]:
        assert client_for(role).get(compare).status_code == status, role
        assert client_for(role).get(bench).status_code == status, role
    body = client_for("mia").get(compare).content.decode()
    assert "independent samples" in body
    names = client_for("mia").get(bench).content.decode()
    assert "Stadt Zwei" not in names  # municipal users never see other municipalities' names


def test_vector_and_json_paths_agree(world, wave):
    """Answer sets without a stored vector (e.g. written by an older version) are read from
    their JSON; both ways give the same frame."""
    from qdialog.analysis.engine import load_frame

    rng = random.Random(3)
    for i in range(20):
        store(wave, world.m1 if i % 2 else world.m2, 1 + i % 3,
              "_dk" if i % 7 == 0 else rng.randint(1, 5))
    fast = load_frame(wave)
    Response.objects.filter(pk=Response.objects.first().pk).update(vector=None)
    slow = load_frame(wave)
    assert np.array_equal(fast.kinds, slow.kinds)
    assert np.allclose(fast.values, slow.values, equal_nan=True)
    assert list(fast.perspective) == list(slow.perspective)
    assert list(fast.municipality) == list(slow.municipality)


def test_trend_chart_over_three_waves(client_for, world, wave):
    waves = [wave]
    for t in (1, 2):
        later = services.wave_create(actor=None, instrument=wave.instrument, fields={
            "title": f"t{t}", "timepoint": t, "opens_on": wave.opens_on,
            "closes_on": wave.closes_on})
        services.wave_open(actor=None, wave=later)
        waves.append(later)
    for n, w in enumerate(waves):
        for i in range(8):
            store(w, world.m1, 2, min(5, 1 + n + i % 3))
    close(*waves)
    body = client_for("alice").get(reverse("analysis:compare", args=[waves[0].pk,
                                                                     waves[2].pk])).content
    assert b"fig-trend" in body and body.count(b"<svg") >= 2


def test_dimensions_are_broken_down_by_professional_system(client_for, world, wave):
    for i in range(12):
        store(wave, world.m1, 1 + i % 2, 1 + i % 5, system="1" if i < 9 else "2")
    close(wave)
    r = wave_results(wave)
    dim = r.dimensions[0]
    groups = {g.key: g for g in dim.by_system}
    assert groups["2"].n_group is None and groups["2"].reason == "withheld"  # three answer sets
    # with only two groups, the other one would reveal the small one through the total
    assert groups["1"].summary is None and groups["1"].reason == "withheld"
    assert dim.by_perspective[0].summary is not None
    body = client_for("alice").get(reverse("analysis:results", args=[wave.pk])).content.decode()
    assert "Means by professional system" in body and "Means by perspective" in body


def test_an_open_wave_has_no_results_yet(client_for, world, wave):
    """Two states of the results would give away the answers that came in between."""
    for i in range(12):
        store(wave, world.m1, 1 + i % 2, 1 + i % 5)
    r = wave_results(wave)
    assert not r.available and r.items == [] and r.perspective_groups == []
    body = client_for("alice").get(reverse("analysis:results", args=[wave.pk])).content.decode()
    assert "once the survey has ended" in body
    wave.refresh_from_db()
    assert wave.results_published_on is None


def test_reading_publishes_and_then_the_wave_cannot_take_late_answers(client_for, world, wave):
    from django.core.exceptions import ValidationError

    for i in range(12):
        store(wave, world.m1, 1 + i % 2, 1 + i % 5)
    close(wave)
    services.wave_reopen(actor=None, wave=wave)  # not read yet: reopening is fine
    wave.refresh_from_db()
    close(wave)
    client_for("alice").get(reverse("analysis:results", args=[wave.pk]))
    wave.refresh_from_db()
    assert wave.results_published_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.wave_reopen(actor=None, wave=wave)


def test_a_coordinator_of_several_municipalities_reads_them_one_at_a_time(client_for, world,
                                                                         wave):
    """Two municipalities of different clusters are no unit of the wave's plan: their sum is
    not protected as a whole, so it is never published."""
    from qdialog.tenancy.models import Membership, Role

    Membership.objects.create(user=world.people["mia"], role=Role.MUNICIPAL_COORDINATOR,
                              programme=world.a, municipality=world.m3)
    for i in range(12):
        store(wave, world.m1 if i < 6 else world.m3, 1 + i % 2, 1 + i % 5)
    close(wave)
    response = client_for("mia").get(reverse("analysis:results", args=[wave.pk]))
    assert response.context["r"].n == 6 and response.context["municipality"] in (world.m1,
                                                                                 world.m3)


def test_benchmark_in_a_cluster_of_four_gives_away_no_other_score(client_for, world, wave):
    """The median, the range and the own value of a cluster of four would pin the other three
    scores; the page shows the others only pooled, and no other municipality's own score."""
    from qdialog.tenancy.models import Municipality

    extra = [Municipality.objects.create(programme=world.a, cluster=world.a1, name=f"Ort {n}",
                                         kind="landkreis", state="NI") for n in range(2)]
    members = [world.m1, world.m2, *extra]
    levels = {}
    for n, municipality in enumerate(members):
        for i in range(6):
            store(wave, municipality, 2, 1 + (n + i) % 5, q2=1 + (n * 2 + i) % 4)
    close(wave)
    from qdialog.analysis.engine import wave_results

    for municipality in members:
        d = next(x for x in wave_results(wave, municipality_ids=[municipality.pk]).dimensions
                 if x.name == "d")
        levels[municipality.pk] = d.overall.summary.mean
    page = client_for("mia").get(reverse("analysis:benchmark", args=[wave.pk]))
    # the chart is drawn from the same rows (nothing else reaches it); its drawing coordinates
    # are no figures, so the page's text is read without it
    assert "<svg" in page.content.decode()
    body = re.sub(r"<svg.*?</svg>", "", page.content.decode(), flags=re.S)
    row = next(r for r in page.context["rows"] if r.dimension == "d")
    assert row.own == pytest.approx(levels[world.m1.pk])
    others = [m.pk for m in members if m != world.m1]
    assert row.cluster.pooled == pytest.approx(np.mean([levels[pk] for pk in others]))
    assert row.cluster.median is None and row.programme.median is None  # four: too few
    for pk in others:
        assert f"{levels[pk]:.2f}".replace(".", ",") not in body
        assert f"{levels[pk]:.2f}" not in body
