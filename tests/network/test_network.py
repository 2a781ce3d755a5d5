"""The network: relations, contacts, indicators and the map; access per role; bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.network import graph
from qdialog.network.models import ContactPerson, Relation
from tests.conftest import ROLES
from tests.network.conftest import MANAGERS, VIEWERS, expect

CASES = [
    ("network", lambda w, r: reverse("network:network", args=[w.m1.pk]), expect(VIEWERS)),
    ("network_filtered", lambda w, r: reverse("network:network", args=[w.m1.pk])
     + "?system=school&system=youth_office", expect(VIEWERS)),
    ("relation", lambda w, r: reverse("network:relation", args=[w.m1.pk, r.pk]),
     expect(VIEWERS)),
]
#: answer only a POST; their access is tested below (test_only_managers_change_the_network)
POST_ONLY = {"relation_add", "relation_delete", "contact_add", "contact_delete"}
#: a download, tested with a document in test_agreement_download_access
DOWNLOADS = {"agreement"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, orgs, role, name, url, expected):
    relation = Relation.objects.get()
    response = client_for(role).get(url(world, relation))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role
    if want == 200 and name.startswith("network"):
        assert b"<svg" in response.content


def test_every_network_url_is_covered():
    from qdialog.network.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY | DOWNLOADS
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_managers_change_the_network(client_for, world, orgs, role):
    asd, school, clinic = orgs
    client = client_for(role)
    response = client.post(reverse("network:relation_add", args=[world.m1.pk]),
                           {"source": asd.pk, "target": clinic.pk, "kind": "informal",
                            "strength": 1})
    assert response.status_code in (302, 404)
    relation = Relation.objects.get()
    edit = client.post(reverse("network:relation", args=[world.m1.pk, relation.pk]),
                       {"kind": "informal", "strength": 1})
    assert edit.status_code == 302 if role == "anon" else edit.status_code == 404
    client.post(reverse("network:relation_delete", args=[world.m1.pk, relation.pk]))
    client.post(reverse("network:contact_add", args=[world.m1.pk]),
                {"organisation": clinic.pk, "name": "Dr. Beispiel"})
    assert Relation.objects.count() == 1 and not ContactPerson.objects.exists()
    relation.refresh_from_db()
    assert (relation.kind, relation.strength) == ("p8a", 3)


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_change_the_network(client_for, world, orgs, role):
    asd, school, clinic = orgs
    client = client_for(role)
    added = client.post(reverse("network:relation_add", args=[world.m1.pk]),
                        {"source": asd.pk, "target": clinic.pk, "kind": "informal",
                         "strength": 1})
    assert added.status_code == 302
    relation = Relation.objects.get(target=clinic)
    page = client.get(added["Location"]).content.decode()
    assert "was recorded" in page
    removed = client.post(reverse("network:relation_delete", args=[world.m1.pk, relation.pk]))
    assert removed.status_code == 302 and not Relation.objects.filter(target=clinic).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(relation.pk),
                                     actor=world.people[role]).exists()


def test_record_relation_with_agreement_and_contact(client_for, world, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asd, school, clinic = orgs
    client = client_for("mia")
    response = client.post(reverse("network:relation_add", args=[world.m1.pk]), {
        "source": asd.pk, "target": clinic.pk, "kind": "written", "strength": 2,
        "last_reviewed": "2026-06-01",
        "agreement": SimpleUploadedFile("vereinbarung.pdf", b"%PDF-1.4 test")})
    assert response.status_code == 302
    relation = Relation.objects.get(target=clinic)
    assert relation.agreement.name.endswith(".pdf")
    # never served from a public media address, only through the access-checked view
    assert client.get("/media/" + relation.agreement.name).status_code == 404
    client.post(reverse("network:contact_add", args=[world.m1.pk]), {
        "organisation": clinic.pk, "name": "Dr. Beispiel", "function": "Kinderschutzgruppe",
        "email": "kinderschutz@klinikum.example.org"})
    assert ContactPerson.objects.get().organisation == clinic
    assert AuditEntry.objects.filter(municipality=world.m1, action="create").count() >= 2


@pytest.mark.parametrize("data,message", [
    ({"kind": "written", "strength": 2, "same": True}, "cannot cooperate with itself"),
    ({"kind": "written", "strength": 7}, "Select a valid choice"),
    ({"kind": "p8a", "strength": 3}, "already exists"),
    ({"kind": "written", "strength": 2, "foreign": True}, "Select a valid choice"),
    ({"kind": "written", "strength": 2, "file": ("x.exe", b"MZ")}, "File extension"),
])
def test_relation_bad_input(client_for, world, orgs, data, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asd, school, clinic = orgs
    target = asd if data.pop("same", False) else school
    if data.pop("foreign", False):
        target = world.orgs[world.m3.pk]
    post = {"source": asd.pk, "target": target.pk, **data}
    if "file" in data:
        name, content = post.pop("file")
        post["agreement"] = SimpleUploadedFile(name, content)
    response = client_for("mia").post(reverse("network:relation_add", args=[world.m1.pk]), post)
    assert response.status_code == 400 and message in response.content.decode()
    assert Relation.objects.count() == 1


def test_indicators(world, orgs):
    asd, school, clinic = orgs
    result = graph.indicators(world.m1)
    assert result.organisations == 3 and result.relations == 1
    assert result.density == pytest.approx(1 / 3)
    assert clinic in result.isolated
    assert "police" in [s.value for s in result.absent_systems]
    assert set(result.never_at_events) == {asd, school, clinic}
    assert graph.map_svg(world.m1).startswith("<svg")


@pytest.mark.parametrize("role", ROLES)
def test_agreement_download_access(client_for, world, orgs, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asd, school, clinic = orgs
    client_for("mia").post(reverse("network:relation_add", args=[world.m1.pk]), {
        "source": asd.pk, "target": clinic.pk, "kind": "written", "strength": 2,
        "agreement": SimpleUploadedFile("vereinbarung.pdf", b"%PDF-1.4 test")})
    relation = Relation.objects.get(target=clinic)
    response = client_for(role).get(reverse("network:agreement",
                                            args=[world.m1.pk, relation.pk]))
    if role == "anon":
        assert response.status_code == 302
    elif role in {"alice", "carol", "mia", "paul"}:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    else:
        assert response.status_code == 404
    without = Relation.objects.get(target=school)
    if role == "mia":
        assert client_for(role).get(reverse("network:agreement", args=[
            world.m1.pk, without.pk])).status_code == 404
