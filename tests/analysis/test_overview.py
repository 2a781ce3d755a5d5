"""The overview of the municipalities on the web: who sees it (institute staff, cluster
coordinators for their cluster), with or without names, sortable, downloadable without
formulas, every score through the disclosure plan, a fixed number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from qdialog.analysis.overview import wave_overview
from qdialog.core.models import AuditEntry
from qdialog.disclosure import plan as plans
from qdialog.disclosure.services import plan_for
from tests.analysis.test_results import close, store, wave  # noqa: F401 - fixture


@pytest.fixture
def answered(world, wave):  # noqa: F811
    for i in range(12):
        store(wave, world.m1, 1 if i % 2 else 2, 2 + i % 4)
    for _ in range(7):
        store(wave, world.m2, 2, 4)
    for i in range(8):
        store(wave, world.m3, 1 if i % 2 else 2, 1 + i % 5)
    close(wave)
    return wave


def _url(survey, **query):
    url = reverse("analysis:overview", args=[survey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role,status", [
    ("alice", 200), ("carol", 200), ("mia", 404), ("paul", 404), ("oscar", 404), ("zoe", 404),
    ("anon", 302)])
def test_who_sees_the_overview(client_for, answered, role, status):
    assert client_for(role).get(_url(answered)).status_code == status


def test_institute_sees_every_municipality_anonymised_unless_allowed(client_for, world,
                                                                     answered):
    client = client_for("alice")
    page = client.get(_url(answered)).content.decode()
    assert "Stadt Zwei" in page  # in the participation table, which is always named
    scores = page[page.index('id="h-scores"'):]
    assert "Stadt Zwei" not in scores and "Municipality 1" in scores
    world.a.institute_sees_names = True
    world.a.save()
    scores = client.get(_url(answered)).content.decode()
    scores = scores[scores.index('id="h-scores"'):]
    assert "Stadt Zwei" in scores and "Landkreis Drei" in scores
    assert AuditEntry.objects.filter(action="read", summary__contains="overview").exists()


def test_cluster_coordinator_sees_her_cluster_only_by_name(client_for, world, answered):
    page = client_for("carol").get(_url(answered)).content.decode()
    assert "Landkreis Eins" in page and "Stadt Zwei" in page
    assert "Landkreis Drei" not in page


def test_scores_follow_the_disclosure_plan(world, answered):
    overview = wave_overview(answered, named=True)
    plan = plan_for(answered)
    checked = 0
    for row in overview.municipalities:
        for (name, _), cell in zip(overview.dimensions, row.cells):
            assert (cell.mean is not None) == plan.count_shown(
                f"dim:{name}", plans.municipality_unit(row.pk))
            checked += cell.mean is not None
    for row in overview.clusters:
        for (name, _), cell in zip(overview.dimensions, row.cells):
            assert (cell.mean is not None) == plan.count_shown(
                f"dim:{name}", plans.cluster_unit(row.pk))
    assert checked


def test_sorting_by_a_dimension_and_by_name(client_for, world, answered):
    world.a.institute_sees_names = True
    world.a.save()
    client = client_for("alice")
    by_name = client.get(_url(answered, sort="name")).content.decode()
    scores = by_name[by_name.index('id="h-scores"'):]
    assert scores.index("Landkreis Drei") < scores.index("Landkreis Eins") < \
        scores.index("Stadt Zwei")
    assert 'href="?sort=name" aria-current="true"' in by_name
    overview = wave_overview(answered, named=True)
    shown = [(row.cells[0].mean, row.label) for row in overview.municipalities
             if row.cells[0].mean is not None]
    assert len(shown) >= 2
    page = client.get(_url(answered, sort="d1")).content.decode()
    scores = page[page.index('id="h-scores"'):]
    order = sorted(shown, reverse=True)
    positions = [scores.index(label) for _, label in order]
    assert positions == sorted(positions)
    assert client.get(_url(answered, sort="nonsense")).status_code == 200


def test_download_as_csv_without_formulas(client_for, world, answered):
    world.a.institute_sees_names = True
    world.a.save()
    from qdialog.tenancy.models import Municipality

    Municipality.objects.filter(pk=world.m2.pk).update(name="=HYPERLINK(\"x\")")
    response = client_for("alice").get(_url(answered, format="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Municipality", "Cluster", "Answer sets"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell == "'=HYPERLINK(\"x\")" for row in rows for cell in row)
    assert AuditEntry.objects.filter(action="export", summary__contains="overview").exists()


def test_the_overview_needs_a_fixed_number_of_queries(client_for, world, answered):
    """As many queries for three municipalities as for forty-three: none per municipality."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("alice")
    client.get(_url(answered))
    with CaptureQueriesContext(connection) as three:
        assert client.get(_url(answered)).status_code == 200
    from qdialog.tenancy.models import Municipality

    for n in range(5):
        Municipality.objects.create(programme=world.a, cluster=world.a2, name=f"Extra {n}",
                                    kind="landkreis", state="NI")
    with CaptureQueriesContext(connection) as eight:
        assert client.get(_url(answered)).status_code == 200
    assert len(eight) == len(three) <= 25


def test_results_and_cluster_pages_lead_to_the_overview(client_for, world, answered):
    overview = _url(answered)
    results = client_for("alice").get(reverse("analysis:results", args=[answered.pk]))
    assert overview in results.content.decode()
    cluster = client_for("carol").get(reverse("tenancy:cluster", args=[world.a.slug, 1]))
    assert overview in cluster.content.decode()
    assert reverse("reports:list", args=[answered.pk]) in cluster.content.decode()
    mia = client_for("mia").get(reverse("analysis:results", args=[answered.pk]))
    assert overview not in mia.content.decode()
