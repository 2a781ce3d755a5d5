"""Quality development processes: phases after the dialogic model, groups, access per role."""

import datetime as dt

import pytest
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.processes.models import DEFAULT_PHASES, Group, GroupMember, Phase, Process
from tests.conftest import ROLES

OK, NOT_FOUND, LOGIN = 200, 404, "login"


def expect(allowed):
    return {r: (LOGIN if r == "anon" else OK if r in allowed else NOT_FOUND) for r in ROLES}


VIEWERS = {"alice", "carol", "mia", "paul"}
MANAGERS = {"alice", "mia"}
CASES = [
    ("list", lambda w, p: reverse("processes:list", args=[w.m1.pk]), expect(VIEWERS)),
    ("create", lambda w, p: reverse("processes:create", args=[w.m1.pk]), expect(MANAGERS)),
    ("detail", lambda w, p: reverse("processes:detail", args=[p.pk]), expect(VIEWERS)),
    ("edit", lambda w, p: reverse("processes:edit", args=[p.pk]), expect(MANAGERS)),
    ("phase_create", lambda w, p: reverse("processes:phase_create", args=[p.pk]),
     expect(MANAGERS)),
    ("phase_edit", lambda w, p: reverse("processes:phase_edit",
                                        args=[p.pk, p.phases.first().pk]), expect(MANAGERS)),
    ("group_create", lambda w, p: reverse("processes:group_create", args=[p.pk]),
     expect(MANAGERS)),
    ("group_edit", lambda w, p: reverse("processes:group_edit",
                                        args=[p.pk, p.groups.first().pk]), expect(MANAGERS)),
]
POST_ONLY = {"phase_delete", "member_add", "member_remove", "profile", "profile_pdf"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, process, role, name, url, expected):
    response = client_for(role).get(url(world, process))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_process_url_has_an_access_case():
    from qdialog.processes.urls import urlpatterns
    from tests.processes.test_cluster_processes import CASES as CLUSTER_CASES
    from tests.processes.test_events import CASES as EVENT_CASES
    from tests.processes.test_events import POST_ONLY as EVENT_POST_ONLY

    covered = {c[0] for c in CASES} | POST_ONLY | {c[0] for c in EVENT_CASES} | EVENT_POST_ONLY
    covered |= {c[0] for c in CLUSTER_CASES}
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_managers_change_a_process(client_for, world, process, role):
    phase = process.phases.first()
    client_for(role).post(reverse("processes:phase_delete", args=[process.pk, phase.pk]))
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_new_process_gets_the_dialogic_phases(client_for, world):
    response = client_for("mia").post(reverse("processes:create", args=[world.m1.pk]), {
        "title": "Kinderschutz gemeinsam", "status": "active", "started_on": "2026-02-01",
        "interests": "Übergaben\nRückmeldungen", "dimensions_text": "Fehlerkultur\nResources"})
    assert response.status_code == 302
    process = Process.objects.get(title="Kinderschutz gemeinsam")
    assert [p.kind for p in process.phases.all()] == [k.value for k in DEFAULT_PHASES]
    assert process.dimensions == ["Fehlerkultur", "Resources"]
    assert AuditEntry.objects.filter(action="create", municipality=world.m1).exists()


@pytest.mark.parametrize("url_name,data,message", [
    ("processes:create", {"title": "", "status": "active"}, "This field is required."),
    ("processes:create", {"title": "x", "status": "whatever"}, "Select a valid choice."),
    ("processes:phase_create", {"kind": "workshops", "title": "W", "status": "planned",
                                "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
     "The end must not lie before the start."),
    ("processes:phase_create", {"kind": "nonsense", "title": "W", "status": "planned"},
     "Select a valid choice."),
    ("processes:group_create", {"kind": "steering", "name": ""}, "This field is required."),
])
def test_bad_input(client_for, world, process, url_name, data, message):
    args = [world.m1.pk] if url_name == "processes:create" else [process.pk]
    counts = (Process.objects.count(), Phase.objects.count(), Group.objects.count())
    response = client_for("mia").post(reverse(url_name, args=args), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert (Process.objects.count(), Phase.objects.count(), Group.objects.count()) == counts


def test_phase_edit_records_the_change(client_for, world, process):
    phase = process.phases.get(kind="workshops")
    client_for("mia").post(reverse("processes:phase_edit", args=[process.pk, phase.pk]), {
        "kind": "workshops", "title": phase.title, "status": "active",
        "starts_on": "2026-09-01", "ends_on": "2027-03-31", "goals": "Fünf Werkstätten"})
    phase.refresh_from_db()
    assert phase.status == "active" and process.current_phase == phase
    entry = AuditEntry.objects.filter(action="update", object_id=str(phase.pk)).get()
    assert entry.changes["status"] == ["planned", "active"]


def test_group_members(client_for, world, process):
    group = process.groups.first()
    client = client_for("mia")
    url = reverse("processes:member_add", args=[process.pk, group.pk])
    again = client.post(url, {"organisation": str(world.orgs[world.m1.pk].pk)})
    assert again.status_code == 400 and "already in the group" in again.content.decode()
    foreign = client.post(url, {"organisation": str(world.orgs[world.m3.pk].pk)})
    assert foreign.status_code == 400
    ok = client.post(url, {"organisation": str(world.orgs[world.m1.pk].pk),
                           "person": str(world.people["paul"].pk), "role": "ASD"})
    assert ok.status_code == 302 and group.members.count() == 2
    member = group.members.get(person=world.people["paul"])
    client.post(reverse("processes:member_remove", args=[process.pk, group.pk, member.pk]))
    assert not GroupMember.objects.filter(pk=member.pk).exists()


def test_timeline_holds_phases_and_waves(client_for, world, process):
    from qdialog.surveys import services as surveys
    from tests.surveys.conftest import SMALL

    instrument = surveys.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    surveys.wave_create(actor=None, instrument=instrument, fields={
        "title": "Bestandsaufnahme", "municipality": world.m1,
        "opens_on": dt.date(2026, 4, 1), "closes_on": dt.date(2026, 5, 1)})
    Phase.objects.filter(process=process, kind="baseline").update(
        starts_on=dt.date(2026, 3, 15), status="done")
    body = client_for("paul").get(reverse("processes:detail", args=[process.pk])).content.decode()
    assert body.index("Bestandsaufnahme (t0)") > body.index("Baseline")
    assert "Steuerungsgruppe" in body


def test_process_pages_query_count(client_for, world, process, django_assert_max_num_queries):
    client = client_for("mia")
    with django_assert_max_num_queries(16):
        client.get(reverse("processes:detail", args=[process.pk]))
