"""Bad input on every form: a 400, a clear message at the field, nothing stored, no audit entry."""

import pytest
from django.urls import reverse

from qdialog.accounts.models import User
from qdialog.core.models import AuditEntry
from qdialog.tenancy.models import Cluster, Membership, Municipality, Organisation, Programme


def snapshot():
    return (Programme.objects.count(), Cluster.objects.count(), Municipality.objects.count(),
            Organisation.objects.count(), Membership.objects.count(), User.objects.count(),
            AuditEntry.objects.count(),
            list(Municipality.objects.order_by("pk").values_list("name", "population")),
            list(Programme.objects.order_by("pk").values_list("name", "ends_on")))


def assert_refused(response, *messages):
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    for message in messages:
        assert message in body, message


MUNI_OK = {"name": "Neu", "kind": "landkreis", "state": "NI", "population": "1000",
           "cluster": "", "cluster_role": "partner", "evaluation_mode": "none"}

BAD_INPUT = [
    # (who, url name, args(world), data, expected messages)
    ("alice", "tenancy:programme_edit", lambda w: ["alpha"],
     {"name": "", "starts_on": "2026-05-01", "ends_on": "2026-01-01"},
     ["This field is required.", "The end must not lie before the start."]),
    ("alice", "tenancy:programme_edit", lambda w: ["alpha"],
     {"name": "X", "starts_on": "not a date"}, ["Enter a valid date."]),
    ("alice", "tenancy:cluster_create", lambda w: ["alpha"], {"number": "1", "name": "Dup"},
     ["This programme already has a cluster 1."]),
    ("alice", "tenancy:cluster_create", lambda w: ["alpha"], {"number": "eins"},
     ["Enter a whole number."]),
    ("alice", "tenancy:cluster_edit", lambda w: ["alpha", 1], {"number": "2", "name": "x"},
     ["This programme already has a cluster 2."]),
    ("alice", "tenancy:municipality_create", lambda w: ["alpha"],
     {**MUNI_OK, "name": "stadt zwei"},
     ["A municipality of this name is already in the programme."]),
    ("alice", "tenancy:municipality_create", lambda w: ["alpha"],
     {**MUNI_OK, "population": "-5", "state": "XX", "kind": "dorf"},
     ["Ensure this value is greater than or equal to 0.",
      "Select a valid choice. XX is not one of the available choices."]),
    ("alice", "tenancy:municipality_create", lambda w: ["alpha"],
     {**MUNI_OK, "cluster": "999999"}, ["Select a valid choice."]),
    ("mia", "tenancy:municipality_edit", lambda w: [w.m1.pk],
     {"name": "", "kind": "landkreis", "state": "NI", "population": "abc"},
     ["This field is required.", "Enter a whole number."]),
    ("mia", "tenancy:organisation_create", lambda w: [w.m1.pk],
     {"name": "", "professional_system": "institute"},
     ["This field is required.", "Select a valid choice."]),
    ("mia", "tenancy:organisation_create", lambda w: [w.m1.pk],
     {"name": "jugendamt landkreis eins", "professional_system": "school"},
     ["An organisation of this name already exists here."]),
    ("mia", "tenancy:organisation_edit", lambda w: [w.m1.pk, w.orgs[w.m1.pk].pk],
     {"name": "x" * 201, "professional_system": "school"},
     ["Ensure this value has at most 200 characters"]),
    ("mia", "tenancy:member_invite", lambda w: [w.m1.pk],
     {"email": "not-an-address", "display_name": "", "role": "institute_staff"},
     ["Enter a valid email address.", "This field is required.", "Select a valid choice."]),
    ("mia", "tenancy:member_invite", lambda w: [w.m1.pk],
     {"email": "PAUL@example.org", "display_name": "Paul", "role": "participant"},
     ["paul@example.org already has this role here."]),
    ("mia", "tenancy:member_invite", lambda w: [w.m1.pk],
     {"email": "new@example.org", "display_name": "New", "role": "participant",
      "organisation": "ORG_OF_M3"}, ["Select a valid choice."]),
    ("alice", "tenancy:programme_invite", lambda w: ["alpha"],
     {"email": "c2@example.org", "display_name": "C2", "role": "cluster_coordinator"},
     ["A cluster coordinator needs a cluster."]),
]


@pytest.mark.parametrize("who,name,args,data,messages", BAD_INPUT,
                         ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_INPUT)])
def test_bad_input_is_refused(client_for, world, who, name, args, data, messages):
    if data.get("organisation") == "ORG_OF_M3":
        data = {**data, "organisation": str(world.orgs[world.m3.pk].pk)}
    client = client_for(who)
    before = snapshot()
    response = client.post(reverse(name, args=args(world)), data)
    assert_refused(response, *messages)
    assert snapshot() == before


def test_profile_bad_language(client_for, world):
    client = client_for("paul")
    before = snapshot()
    response = client.post(reverse("profile"),
                                       {"display_name": "P", "preferred_language": "xx"})
    assert_refused(response, "Select a valid choice.")
    assert snapshot() == before


def test_error_fields_are_linked_for_screen_readers(client_for, world):
    response = client_for("mia").post(reverse("tenancy:organisation_create", args=[world.m1.pk]),
                                      {"name": ""})
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_name_error"' in body
    assert 'id="id_name_error"' in body
    assert 'href="#id_name"' in body  # the error summary links to the field


# --- good input: saved, audited ------------------------------------------------------------
def test_create_organisation_is_saved_and_audited(client_for, world):
    response = client_for("mia").post(
        reverse("tenancy:organisation_create", args=[world.m1.pk]),
        {"name": "Polizeiinspektion Eins", "professional_system": "police"})
    assert response.status_code == 302
    org = Organisation.objects.get(name="Polizeiinspektion Eins")
    assert org.municipality == world.m1 and org.programme == world.a
    entry = AuditEntry.objects.get(action="create", object_id=str(org.pk))
    assert entry.actor == world.people["mia"] and entry.municipality == world.m1


def test_edit_municipality_records_the_change(client_for, world):
    response = client_for("mia").post(
        reverse("tenancy:municipality_edit", args=[world.m1.pk]),
        {"name": "Landkreis Eins", "kind": "landkreis", "state": "NI", "population": "123456"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", municipality=world.m1)
    assert entry.changes == {"population": [100000, 123456]}
    world.m1.refresh_from_db()
    assert world.m1.population == 123456


def test_coordinator_cannot_move_municipality_between_clusters(client_for, world):
    client_for("mia").post(
        reverse("tenancy:municipality_edit", args=[world.m1.pk]),
        {"name": "Landkreis Eins", "kind": "landkreis", "state": "NI",
         "cluster": str(world.a2.pk), "cluster_role": "partner"})
    world.m1.refresh_from_db()
    assert world.m1.cluster == world.a1 and world.m1.cluster_role == "model"


def test_institute_creates_cluster_and_municipality(client_for, world):
    client = client_for("alice")
    assert client.post(reverse("tenancy:cluster_create", args=["alpha"]),
                       {"number": "3", "name": "Ost"}).status_code == 302
    cluster = Cluster.objects.get(programme=world.a, number=3)
    response = client.post(reverse("tenancy:municipality_create", args=["alpha"]),
                           {**MUNI_OK, "cluster": str(cluster.pk)})
    assert response.status_code == 302
    assert Municipality.objects.get(name="Neu").cluster == cluster
    assert AuditEntry.objects.filter(programme=world.a, action="create").count() == 2


def test_cluster_of_another_programme_cannot_be_chosen(client_for, world):
    response = client_for("alice").post(reverse("tenancy:municipality_create", args=["alpha"]),
                                        {**MUNI_OK, "cluster": str(world.b1.pk)})
    assert_refused(response, "Select a valid choice.")


def test_delete_organisation(client_for, world):
    org = world.orgs[world.m1.pk]
    client = client_for("mia")
    url = reverse("tenancy:organisation_delete", args=[world.m1.pk, org.pk])
    assert client.get(url).status_code == 200  # confirmation page
    assert client.post(url).status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(org.pk)).exists()
