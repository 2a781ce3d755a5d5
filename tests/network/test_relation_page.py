"""A relation's own page: what it is, its history for those who read the municipality's log, and
the edit form for those who manage the municipality – saved through the service with an audit
entry, bad input answered with 400, the input kept and the field marked."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.network import selectors, services
from qdialog.network.models import Relation
from tests.network.conftest import LOG_READERS, MANAGERS, VIEWERS


def _url(world, relation):
    return reverse("network:relation", args=[world.m1.pk, relation.pk])


@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_what_each_role_sees_on_the_relation_page(client_for, world, orgs, role):
    relation = Relation.objects.get()
    body = client_for(role).get(_url(world, relation)).content.decode()
    assert "Grundschule Eins" in body and "Agreement under § 8a SGB VIII" in body
    assert ('name="kind"' in body) == (role in MANAGERS)
    assert ('id="history"' in body) == (role in LOG_READERS)


def test_a_relation_of_another_municipality_is_not_found(client_for, world, orgs):
    foreign = Relation.objects.create(municipality=world.m3, source=world.orgs[world.m3.pk],
                                      target=world.orgs[world.m3.pk], kind="case")
    client = client_for("mia")
    assert client.get(reverse("network:relation", args=[world.m1.pk, foreign.pk])) \
        .status_code == 404
    assert client.get(reverse("network:relation", args=[world.m3.pk, foreign.pk])) \
        .status_code == 404
    assert client.post(reverse("network:relation", args=[world.m1.pk, foreign.pk]),
                       {"kind": "written", "strength": 1}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.kind == "case"


def test_edit_with_history(client_for, world, orgs, settings, tmp_path,
                           django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    relation = Relation.objects.get()
    client = client_for("mia")
    response = client.post(_url(world, relation), {
        "kind": "written", "strength": 2, "since": "2023-09-01", "last_reviewed": "2026-06-01",
        "agreement": SimpleUploadedFile("vereinbarung.pdf", b"%PDF-1.4 test")})
    assert response.status_code == 302 and response["Location"] == _url(world, relation)
    relation.refresh_from_db()
    assert (relation.kind, relation.strength, str(relation.since), str(relation.last_reviewed)) \
        == ("written", 2, "2023-09-01", "2026-06-01")
    assert relation.agreement.name.endswith(".pdf")
    entry = AuditEntry.objects.get(action="update", object_id=str(relation.pk))
    assert entry.actor == world.people["mia"] and entry.municipality_id == world.m1.pk
    assert entry.changes["kind"] == ["p8a", "written"]
    assert entry.changes["strength"] == [3, 2]
    assert entry.changes["since"] == [None, "2023-09-01"]
    assert entry.changes["agreement"][0] == "" and entry.changes["agreement"][1].endswith(".pdf")
    page = client.get(response["Location"]).content.decode()
    assert "The relation was saved." in page
    history = page[page.index('id="history"'):]
    assert "mia@example.org" in history
    assert "Written cooperation agreement" in history and "Agreement under § 8a" in history
    assert "2023-09-01" in history and "Cooperating since" in history
    # the history is the relation's own: entries of other objects are not in it
    other = services.relation_create(actor=world.people["alice"], municipality=world.m1,
                                     fields={"source": orgs[2], "target": orgs[1],
                                             "kind": "case", "strength": 1})
    assert [e.action for e in selectors.relation_history(relation=relation)] == ["update"]
    assert [e.action for e in selectors.relation_history(relation=other)] == ["create"]
    # the agreement document is downloadable; a later upload replaces it, removing the old file
    old = relation.agreement.path
    download = client.get(reverse("network:agreement", args=[world.m1.pk, relation.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world, relation), {"kind": "written", "strength": 2,
                                            "agreement": SimpleUploadedFile("neu.pdf", b"%PDF-2")})
    relation.refresh_from_db()
    assert relation.agreement.read() == b"%PDF-2"
    assert not Path(old).exists()
    assert AuditEntry.objects.filter(action="update", object_id=str(relation.pk)).count() == 2


def test_saving_without_a_change_records_nothing(client_for, world, orgs):
    relation = Relation.objects.get()
    client = client_for("alice")
    response = client.post(_url(world, relation), {"kind": "p8a", "strength": 3})
    assert response.status_code == 302
    assert "Nothing was changed." in client.get(_url(world, relation)).content.decode()
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize("data,field,message", [
    ({"kind": "merger", "strength": 2}, "kind", "Select a valid choice"),
    ({"kind": "written", "strength": 9}, "strength", "Select a valid choice"),
    ({"kind": "written", "strength": 2, "last_reviewed": "31.02.2026"}, "last_reviewed",
     "Enter a valid date"),
    ({"kind": "written", "strength": 2, "file": ("x.exe", b"MZ")}, "agreement",
     "File extension"),
])
def test_bad_input_is_answered_with_400_the_input_kept_and_the_field_marked(
        client_for, world, orgs, data, field, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    relation = Relation.objects.get()
    post = {"since": "2022-01-01", **data}
    if "file" in post:
        name, content = post.pop("file")
        post["agreement"] = SimpleUploadedFile(name, content)
    response = client_for("mia").post(_url(world, relation), post)
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert f'id="id_{field}_error"' in body or f'aria-describedby="id_{field}_error"' in body
    assert 'value="2022-01-01"' in body  # what was typed stays
    relation.refresh_from_db()
    assert (relation.kind, relation.strength, relation.since) == ("p8a", 3, None)
    assert not AuditEntry.objects.filter(action="update").exists()
