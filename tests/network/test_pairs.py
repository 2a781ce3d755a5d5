"""One relation per pair: A–B and B–A are the same pair. The form refuses the reverse (and any
second relation of the pair) with a link to the one there is, the service and the database
refuse it too, the migration merges the doubles recorded before, and every count counts pairs."""

import itertools
import random

import networkx as nx
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.network import graph, services
from qdialog.network.models import Relation
from qdialog.tenancy.models import Organisation


@pytest.mark.parametrize("kind", ["p8a", "informal"])
def test_the_reverse_pair_is_refused_with_a_link_to_the_existing_relation(
        client_for, world, orgs, kind):
    asd, school, clinic = orgs
    existing = Relation.objects.get()
    response = client_for("mia").post(reverse("network:relation_add", args=[world.m1.pk]), {
        "source": school.pk, "target": asd.pk, "kind": kind, "strength": 1,
        "since": "2024-02-01", "last_reviewed": "2026-05-04"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "already exists (in either direction)" in body
    assert f'href="{reverse("network:relation", args=[world.m1.pk, existing.pk])}"' in body
    # what was typed stays, the partner field is marked, the form is open
    assert f'<option value="{school.pk}" selected>' in body
    assert f'<option value="{asd.pk}" selected>' in body
    assert 'value="2024-02-01"' in body and 'value="2026-05-04"' in body
    assert 'id="id_target"' in body and 'aria-invalid="true"' in body
    assert '<details class="qd-details" open>' in body
    # nothing stored, the existing relation untouched
    assert Relation.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.source, existing.target, existing.kind) == (asd, school, "p8a")
    # the message appears once: the model's own (link-less) one is not added on top
    assert body.count("A relation between these two organisations already exists") == 1


def test_the_same_pair_with_another_kind_is_refused(client_for, world, orgs):
    asd, school, clinic = orgs
    response = client_for("alice").post(reverse("network:relation_add", args=[world.m1.pk]), {
        "source": asd.pk, "target": school.pk, "kind": "case", "strength": 2})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert Relation.objects.count() == 1


def test_the_service_refuses_the_reverse_pair_and_names_the_existing_one(world, orgs):
    asd, school, clinic = orgs
    existing = Relation.objects.get()
    with pytest.raises(services.PairExists) as refused:
        services.relation_create(actor=world.people["mia"], municipality=world.m1, fields={
            "source": school, "target": asd, "kind": "written", "strength": 2})
    assert refused.value.relation == existing
    assert Relation.objects.count() == 1
    created = services.relation_create(actor=world.people["mia"], municipality=world.m1,
                                       fields={"source": clinic, "target": school,
                                               "kind": "case", "strength": 1})
    assert AuditEntry.objects.get(object_id=str(created.pk), action="create").actor \
        == world.people["mia"]


def test_the_database_refuses_the_reverse_pair(world, orgs):
    asd, school, clinic = orgs
    for source, target, kind in ((school, asd, "informal"), (asd, school, "written")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Relation.objects.create(municipality=world.m1, source=source, target=target,
                                    kind=kind)
    Relation.objects.create(municipality=world.m1, source=clinic, target=asd, kind="case")
    assert Relation.objects.count() == 2


def _independent_count(edges):
    """Pairs counted by hand: order each pair, drop loops, count the distinct ones."""
    seen = []
    for a, b in edges:
        key = (min(a, b), max(a, b))
        if a != b and key not in seen:
            seen.append(key)
    return len(seen)


@pytest.mark.parametrize("seed", range(6))
def test_pairs_and_density_count_each_pair_once(seed):
    rng = random.Random(seed)
    nodes = list(range(rng.randint(2, 14)))
    edges = [tuple(rng.sample(nodes, 2)) for _ in range(rng.randint(0, 40))]
    edges += [(b, a) for a, b in edges[: len(edges) // 2]]  # reverse doubles
    edges += [(nodes[0], nodes[0])]  # a loop is no pair
    reference = nx.Graph()
    reference.add_nodes_from(nodes)
    reference.add_edges_from((a, b) for a, b in edges if a != b)
    count = len(graph.pairs(edges))
    assert count == reference.number_of_edges() == _independent_count(edges)
    assert graph.density(len(nodes), count) == pytest.approx(nx.density(reference))


def test_indicators_count_pairs_against_networkx(world, orgs):
    asd, school, clinic = orgs
    extra = [Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name=f"Kita {n}", professional_system="kita")
             for n in range(4)]
    everyone = [asd, school, clinic, *extra]
    for a, b in itertools.combinations(everyone, 2):
        if (a.pk + b.pk) % 3 == 0 and {a, b} != {asd, school}:
            Relation.objects.create(municipality=world.m1, source=a, target=b, kind="informal")
    # a loop stored past the form (as the isolation test does) counts as no pair
    Relation.objects.create(municipality=world.m1, source=clinic, target=clinic, kind="case")
    reference = nx.Graph()
    reference.add_nodes_from(o.pk for o in everyone)
    reference.add_edges_from((r.source_id, r.target_id) for r in Relation.objects.all()
                             if r.source_id != r.target_id)
    result = graph.indicators(world.m1)
    assert result.organisations == len(everyone)
    assert result.relations == reference.number_of_edges()
    assert result.density == pytest.approx(nx.density(reference))


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_doubles_recorded_before():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.conftest import build_world

    world = build_world()
    asd = world.orgs[world.m1.pk]
    school, kita = (Organisation.objects.create(programme=world.a, municipality=world.m1,
                                                name=name, professional_system=system)
                    for name, system in (("Grundschule Eins", "school"), ("Kita Eins", "kita")))
    before = [("network", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        Rel = executor.loader.project_state(before).apps.get_model("network", "Relation")
        asd, school, kita = (o.pk for o in (asd, school, kita))
        m1 = world.m1.pk
        first = Rel.objects.create(municipality_id=m1, source_id=asd, target_id=school,
                                   kind="informal", strength=1)
        Rel.objects.create(municipality_id=m1, source_id=school, target_id=asd, kind="p8a",
                           strength=2, last_reviewed="2026-01-05", agreement="agreements/v.pdf")
        Rel.objects.create(municipality_id=m1, source_id=asd, target_id=school, kind="case",
                           strength=3)
        alone = Rel.objects.create(municipality_id=m1, source_id=kita, target_id=asd,
                                   kind="written", strength=2)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # all of it, as before the test
    merged = Relation.objects.get(source_id=asd, target_id=school)
    assert merged.pk == first.pk and Relation.objects.count() == 2
    assert (merged.kind, merged.strength, str(merged.last_reviewed)) == ("p8a", 3, "2026-01-05")
    assert merged.agreement.name == "agreements/v.pdf"
    assert Relation.objects.get(pk=alone.pk).kind == "written"
    entries = AuditEntry.objects.filter(municipality=world.m1)
    assert entries.filter(action="delete").count() == 2
    update = entries.get(action="update", object_id=str(first.pk))
    assert update.changes["kind"] == ["informal", "p8a"] and update.actor is None
    assert "duplicate relations" in update.summary  # the English text kept for search
