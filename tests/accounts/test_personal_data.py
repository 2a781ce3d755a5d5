"""A person's own data as JSON, and deleting a person: contributions stay, unnamed."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from qdialog.core.models import AuditEntry


@pytest.fixture
def contributions(world):
    from qdialog.actions import services as actions
    from qdialog.processes import services as processes
    from qdialog.standards import services as standards
    from tests.standards.test_standards import FIELDS

    paul = world.people["paul"]
    standard = standards.standard_create(actor=world.people["mia"], municipality=world.m1,
                                         fields=FIELDS)
    standards.set_status(actor=None, standard=standard, status="consultation")
    standards.comment_add(actor=paul, standard=standard, field="text", paragraph=0,
                          text="Guter Punkt.")
    standards.consent_rate(actor=paul, standard=standard, value=2, statement="Zu knapp.")
    action = actions.action_create(actor=None, municipality=world.m1, fields={
        "title": "Übergaben regeln", "responsible_person": paul})
    actions.progress_record(actor=paul, action=action, text="Begonnen.", status="in_progress")
    process = processes.process_create(actor=None, municipality=world.m1,
                                       fields={"title": "QE"})
    group = processes.group_save(actor=None, process=process,
                                 fields={"kind": "steering", "name": "SG"})
    processes.group_member_add(actor=None, group=group, organisation=world.orgs[world.m1.pk],
                               person=paul, role="Sprecher")
    return standard, action


def test_download_my_data(client_for, world, contributions):
    response = client_for("paul").get(reverse("profile_data"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "paul@example.org"
    assert data["roles"][0]["municipality"] == world.m1.name
    assert data["comments"][0]["text"] == "Guter Punkt."
    assert data["consent_ratings"][0]["statement"] == "Zu knapp."
    assert data["actions_responsible"][0]["action"] == "Übergaben regeln"
    assert data["progress_notes"][0]["text"] == "Begonnen."
    assert data["group_seats"][0]["role"] == "Sprecher"
    assert any(e["summary"].startswith("progress note") for e in data["activity"])
    # only one's own data: mia's export holds none of paul's comments
    mine = json.loads(client_for("mia").get(reverse("profile_data")).content)
    assert not mine["comments"] and not mine["consent_ratings"]
    assert client_for("anon").get(reverse("profile_data")).status_code == 302
    assert AuditEntry.objects.filter(action="export", summary="own personal data").exists()


def test_my_data_includes_programmes_i_no_longer_belong_to(client_for, world, contributions):
    """The export is the person's own data in every programme, past the tenant fence: a comment
    stays in a programme after the role there ended, and it is still theirs."""
    paul = world.people["paul"]
    world.memberships["paul"].delete()
    from qdialog.tenancy.models import Membership, Role

    Membership.objects.create(user=paul, role=Role.PARTICIPANT, programme=world.b,
                              municipality=world.mb)
    data = json.loads(client_for("paul").get(reverse("profile_data")).content)
    assert data["comments"][0]["text"] == "Guter Punkt."
    assert [r["municipality"] for r in data["roles"]] == [world.mb.name]


def test_delete_person_keeps_contributions(client_for, world, contributions):
    standard, action = contributions
    paul_id = world.people["paul"].pk
    with pytest.raises(CommandError):
        call_command("delete_person", "nobody@example.org", yes=True)
    call_command("delete_person", "PAUL@example.org", yes=True)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(pk=paul_id).exists()
    comment = standard.comments.get()
    assert comment.author is None and comment.text == "Guter Punkt."
    rating = standard.ratings.get()
    assert rating.user is None and rating.statement == "Zu knapp."
    note = action.notes.get(text="Begonnen.")
    assert note.author is None
    action.refresh_from_db()
    assert action.responsible_person is None
    assert not AuditEntry.objects.filter(actor_label="paul@example.org").exists()
    assert AuditEntry.objects.filter(actor_label=f"deleted person #{paul_id}").exists()
    page = client_for("mia").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "deleted person" in page and "Paul" not in page
