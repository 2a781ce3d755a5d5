"""Processes of a whole cluster: the municipalities' actors work together (network conferences,
Fachtage); cluster coordinators run them, the cluster's municipalities take part."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qdialog.core.models import AuditEntry
from qdialog.processes import invitations, services
from qdialog.processes.models import Event, Process
from qdialog.tenancy.models import Organisation
from tests.conftest import ROLES
from tests.processes.test_processes import expect

# cluster 1 of programme A holds M1 and M2: carol coordinates it, mia and paul are in M1
VIEWERS = {"alice", "carol", "mia", "paul"}
MANAGERS = {"alice", "carol"}
EVENT_VIEWERS = {"alice", "carol", "mia"}  # paul's organisation is not invited


@pytest.fixture
def cprocess(world):
    return services.process_create(actor=world.people["carol"], cluster=world.a1,
                                   fields={"title": "Gemeinsam im Cluster 1"})


@pytest.fixture
def cevent(world, cprocess):
    start = timezone.make_aware(dt.datetime(2026, 12, 10, 10, 0))
    event = services.event_save(actor=None, process=cprocess, fields={
        "kind": "network_conference", "title": "Clusterkonferenz", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=5), "place": "Tagungshaus"})
    services.event_invite(actor=None, event=event, organisations=[world.orgs[world.m2.pk]])
    return event


CASES = [
    ("cluster_list", lambda w, p, e: reverse("processes:cluster_list", args=[w.a1.pk]),
     expect(VIEWERS)),
    ("cluster_create", lambda w, p, e: reverse("processes:cluster_create", args=[w.a1.pk]),
     expect(MANAGERS)),
    ("detail", lambda w, p, e: reverse("processes:detail", args=[p.pk]), expect(VIEWERS)),
    ("profile", lambda w, p, e: reverse("processes:profile", args=[p.pk]), expect(VIEWERS)),
    ("edit", lambda w, p, e: reverse("processes:edit", args=[p.pk]), expect(MANAGERS)),
    ("phase_create", lambda w, p, e: reverse("processes:phase_create", args=[p.pk]),
     expect(MANAGERS)),
    ("group_create", lambda w, p, e: reverse("processes:group_create", args=[p.pk]),
     expect(MANAGERS)),
    ("event_create", lambda w, p, e: reverse("processes:event_create", args=[p.pk]),
     expect(MANAGERS)),
    ("event", lambda w, p, e: reverse("processes:event", args=[e.pk]), expect(EVENT_VIEWERS)),
    ("ical", lambda w, p, e: reverse("processes:ical", args=[e.pk]), expect(EVENT_VIEWERS)),
    ("minutes", lambda w, p, e: reverse("processes:minutes", args=[e.pk]), expect(MANAGERS)),
    ("attendance_list", lambda w, p, e: reverse("processes:attendance_list", args=[e.pk]),
     expect(MANAGERS)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_cluster_process_access(client_for, world, cprocess, cevent, role, name, url,
                                expected):
    response = client_for(role).get(url(world, cprocess, cevent))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_participant_of_an_invited_organisation_sees_the_cluster_event(client_for, world,
                                                                        cevent):
    url = reverse("processes:event", args=[cevent.pk])
    assert client_for("paul").get(url).status_code == 404
    services.event_invite(actor=None, event=cevent, organisations=[world.orgs[world.m1.pk]])
    membership = world.memberships["paul"]
    membership.organisation = world.orgs[world.m1.pk]
    membership.save()
    assert client_for("paul").get(url).status_code == 200


def test_cluster_coordinator_creates_a_cluster_process(client_for, world):
    response = client_for("carol").post(
        reverse("processes:cluster_create", args=[world.a1.pk]),
        {"title": "Netzwerk Cluster 1", "status": "active", "dimensions_text": "Übergänge"})
    assert response.status_code == 302
    process = Process.objects.get(title="Netzwerk Cluster 1")
    assert process.cluster == world.a1 and process.municipality is None
    assert process.phases.count() == 9 and process.dimensions == ["Übergänge"]
    entry = AuditEntry.objects.get(action="create", content_type__model="process")
    assert entry.programme_id == world.a.pk and entry.actor_id == world.people["carol"].pk


def test_cluster_process_bad_input_stores_nothing(client_for, world):
    response = client_for("carol").post(
        reverse("processes:cluster_create", args=[world.a1.pk]), {"title": "", "status": "x"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not Process.objects.exists()


def test_a_municipal_coordinator_cannot_create_a_cluster_process(client_for, world):
    response = client_for("mia").post(
        reverse("processes:cluster_create", args=[world.a1.pk]),
        {"title": "Nicht erlaubt", "status": "active"})
    assert response.status_code == 404 and not Process.objects.exists()


def test_process_belongs_to_a_municipality_or_a_cluster(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.create(title="Beides", municipality=world.m1, cluster=world.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.create(title="Nichts")


def test_organisations_of_all_the_clusters_municipalities_can_be_invited(client_for, world,
                                                                          cevent):
    client = client_for("carol")
    url = reverse("processes:invite", args=[cevent.pk])
    page = client.get(reverse("processes:event", args=[cevent.pk]))
    labels = page.content.decode()
    assert f"Jugendamt {world.m1.name} ({world.m1.name})" in labels  # named with the place
    assert client.post(url, {"organisations": [str(world.orgs[world.m1.pk].pk)]}) \
        .status_code == 302
    foreign = client.post(url, {"organisations": [str(world.orgs[world.m3.pk].pk)]})
    assert foreign.status_code == 400
    assert set(cevent.invitations.values_list("organisation_id", flat=True)) == {
        world.orgs[world.m1.pk].pk, world.orgs[world.m2.pk].pk}


def test_service_refuses_organisations_outside_the_cluster(world, cevent, cprocess):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.event_invite(actor=None, event=cevent, organisations=[world.orgs[world.m3.pk]])
    group = services.group_save(actor=None, process=cprocess,
                                fields={"kind": "working", "name": "AG Übergänge"})
    services.group_member_add(actor=None, group=group, organisation=world.orgs[world.m2.pk])
    with pytest.raises(ValidationError):
        services.group_member_add(actor=None, group=group, organisation=world.orgs[world.m3.pk])
    assert group.members.count() == 1


def test_coverage_counts_the_whole_cluster_network(world, cevent):
    Organisation.objects.create(programme=world.a, municipality=world.m1, name="Polizei Eins",
                                professional_system="police")
    coverage = invitations.coverage(cevent)
    assert "police" in coverage["not_invited"]  # in M1, so in the cluster's network
    assert "youth_office" in coverage["open"]  # invited, no reply yet


def test_municipality_list_shows_its_clusters_processes(client_for, world, cprocess):
    page = client_for("paul").get(reverse("processes:list", args=[world.m1.pk]))
    assert cprocess.title in page.content.decode()
    page = client_for("oscar").get(reverse("processes:list", args=[world.m3.pk]))
    assert cprocess.title not in page.content.decode()


def test_process_lists_query_count(client_for, world, cprocess, django_assert_max_num_queries):
    for i in range(5):
        services.process_create(actor=None, cluster=world.a1, fields={"title": f"P{i}"})
    client = client_for("carol")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("processes:cluster_list", args=[world.a1.pk])) \
            .status_code == 200


def test_feeds_include_cluster_events(client, world, cevent):
    token = services.feed_token(world.people["mia"], world.m1)
    body = client.get(reverse("processes:feed", args=[token])).content.decode()
    assert "Clusterkonferenz" in body  # the municipality's feed carries its cluster's events
    token = services.feed_token(world.people["carol"], world.a1)
    assert "Clusterkonferenz" in client.get(
        reverse("processes:feed", args=[token])).content.decode()
    paul = services.feed_token(world.people["paul"], world.a1)
    assert "Clusterkonferenz" not in client.get(
        reverse("processes:feed", args=[paul])).content.decode()  # not invited
    for person in ("oscar", "zoe"):
        token = services.feed_token(world.people[person], world.a1)
        assert client.get(reverse("processes:feed", args=[token])).status_code == 404


def test_cluster_profile_and_pdf(client_for, world, cprocess, cevent):
    services.process_create(actor=None, municipality=world.m2, fields={"title": "QE M2"})
    client = client_for("carol")
    page = client.get(reverse("processes:profile", args=[cprocess.pk]))
    body = page.content.decode()
    assert world.m1.name in body and world.m2.name in body
    assert "1 municipality in the phase" in body
    pdf = client.get(reverse("processes:profile_pdf", args=[cprocess.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_network_counts_cluster_events_as_involvement(world, cevent):
    from qdialog.network.graph import indicators

    never = indicators(world.m2).never_at_events
    assert world.orgs[world.m2.pk] not in never


def test_cluster_events_appear_in_the_timeline(client_for, world, cprocess, cevent):
    body = client_for("carol").get(reverse("processes:detail", args=[cprocess.pk])) \
        .content.decode()
    assert "Clusterkonferenz" in body and "Cluster" in body
    assert Event.objects.filter(process=cprocess).count() == 1


def test_one_timeline_shows_own_cluster_and_programme_waves_and_events(
        client_for, world, cevent):
    """A municipality's process timeline carries its own, its cluster's and its programme's
    survey waves, and its cluster's common events, each marked where it comes from."""
    from qdialog.surveys import services as survey_services
    from tests.surveys.conftest import SMALL

    instrument = survey_services.instrument_create_from_spec(actor=None, programme=world.a,
                                                             spec=SMALL)
    day = dt.date(2027, 2, 1)

    def wave(title, **where):
        return survey_services.wave_create(actor=None, instrument=instrument, fields={
            "title": title, "opens_on": day, "closes_on": day + dt.timedelta(days=20),
            **where})

    programme_wave = wave("Programmweite Welle")
    wave("Clusterwelle", cluster=world.m1.cluster)
    wave("Eigene Welle", municipality=world.m1)
    wave("Welle von M2", municipality=world.m2)
    process = services.process_create(actor=None, municipality=world.m1,
                                      fields={"title": "QE Eins"})
    body = client_for("mia").get(reverse("processes:detail", args=[process.pk])) \
        .content.decode()
    timeline = body.split('id="h-timeline"')[1].split("</section>")[0]
    for title in ("Programmweite Welle", "Clusterwelle", "Eigene Welle", cevent.title):
        assert title in timeline, title
    assert "Welle von M2" not in timeline
    assert "of the whole programme" in timeline
    assert f"of the cluster {world.m1.cluster}" in timeline
    # the coordinator is led to the municipality's part of the programme's wave
    part = reverse("surveys:wave_part", args=[programme_wave.pk, world.m1.pk])
    assert f'href="{part}">Programmweite Welle' in timeline
    # a participant sees the title and dates, without a link
    seen = client_for("paul").get(reverse("processes:detail", args=[process.pk])).content.decode()
    assert "Programmweite Welle" in seen and f'href="{part}"' not in seen
