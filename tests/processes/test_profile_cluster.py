"""The community profile names the cluster the municipality belongs to – linked for those who
may open the cluster's page – instead of a bare "–"."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from qdialog.processes import services
from qdialog.processes.profile import build
from qdialog.tenancy.models import Municipality
from tests.conftest import ROLES

#: who may open cluster 1's page (its coordinators and the programme's institute)
SEE_THE_CLUSTER = {"alice", "carol"}


@pytest.mark.parametrize("role", ROLES)
def test_the_profile_names_and_links_the_cluster(client_for, world, process, role):
    response = client_for(role).get(reverse("processes:profile", args=[process.pk]))
    if role == "anon":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if role in {"oscar", "zoe"}:
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert response.status_code == 200
    cluster_url = reverse("tenancy:cluster", args=["alpha", 1])
    row = body[body.index(">In the cluster</dt>"):]
    row = row[:row.index("</dd>")]
    assert "Cluster 1: North" in row
    assert (f'href="{cluster_url}"' in row) == (role in SEE_THE_CLUSTER)
    # no other municipality of the cluster has a process yet: said in words, not "–"
    assert "No other process in the cluster yet." in body


def test_the_cluster_link_opens_for_those_it_is_shown_to(client_for, world, process):
    cluster_url = reverse("tenancy:cluster", args=["alpha", 1])
    for role in ("alice", "carol", "mia", "paul"):
        expected = 200 if role in SEE_THE_CLUSTER else 404
        assert client_for(role).get(cluster_url).status_code == expected, role


def test_the_profile_counts_the_other_processes_of_the_cluster(client_for, world, process):
    services.process_create(actor=world.people["alice"], municipality=world.m2,
                            fields={"title": "QE Stadt Zwei"})
    body = client_for("paul").get(reverse("processes:profile", args=[process.pk])) \
        .content.decode()
    assert "1 other municipality in the phase" in body
    assert "No other process in the cluster yet." not in body


def test_a_municipality_without_a_cluster(client_for, world):
    alone = Municipality.objects.create(programme=world.a, name="Stadt Ohne Cluster",
                                        kind="stadt", state="NI", population=50_000)
    process = services.process_create(actor=world.people["alice"], municipality=alone,
                                      fields={"title": "QE allein"})
    body = client_for("alice").get(reverse("processes:profile", args=[process.pk])) \
        .content.decode()
    row = body[body.index(">In the cluster</dt>"):]
    assert row[:row.index("</dd>")].endswith(">–")
    assert "The municipality belongs to no cluster." in body


def test_the_pdf_names_the_cluster_without_a_link(world, process):
    html = render_to_string("processes/profile_pdf.html", {"p": build(process)})
    assert "Cluster 1: North" in html and "/clusters/" not in html
