"""Events: scheduling, agenda, invitations and attendance, coverage, minutes, decisions."""

import datetime as dt

import pytest
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.processes import services
from qdialog.processes.models import Decision, Event, Invitation
from qdialog.tenancy.models import Organisation
from tests.conftest import ROLES
from tests.processes.test_processes import MANAGERS, expect

# participants see an event only when their organisation is invited (paul has none here)
EVENT_VIEWERS = {"alice", "carol", "mia"}
CASES = [
    ("event", lambda w, p, e: reverse("processes:event", args=[e.pk]), expect(EVENT_VIEWERS)),
    ("ical", lambda w, p, e: reverse("processes:ical", args=[e.pk]), expect(EVENT_VIEWERS)),
    ("event_create", lambda w, p, e: reverse("processes:event_create", args=[p.pk]),
     expect(MANAGERS)),
    ("event_edit", lambda w, p, e: reverse("processes:event_edit", args=[e.pk]),
     expect(MANAGERS)),
    ("minutes", lambda w, p, e: reverse("processes:minutes", args=[e.pk]), expect(MANAGERS)),
    ("attendance_list", lambda w, p, e: reverse("processes:attendance_list", args=[e.pk]),
     expect(MANAGERS)),
    ("cancel", lambda w, p, e: reverse("processes:cancel", args=[e.pk]), expect(MANAGERS)),
]


# file_download and feed are covered by their own tests below (they need a file / a token)
POST_ONLY = {"agenda_add", "invite", "attendance", "decision_add", "file_add", "file_delete",
             "file_download", "feed", "decision_standard", "send", "reply", "register"}
# reply and register need no account: tests/processes/test_invitations.py


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_managers_post_to_an_event(client_for, world, event, role):
    client = client_for(role)
    for name, data in [("agenda_add", {"topic": "X"}), ("decision_add", {"text": "X"}),
                       ("invite", {"organisations": [str(world.orgs[world.m1.pk].pk)]})]:
        assert client.post(reverse(f"processes:{name}", args=[event.pk]), data) \
            .status_code in (302, 404)
    assert not event.agenda.exists() and not event.decisions.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_event_access(client_for, world, process, event, role, name, url,
                      expected):
    response = client_for(role).get(url(world, process, event))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == want, role


def test_participant_sees_events_of_an_invited_organisation(client_for, world, event):
    membership = world.memberships["paul"]
    membership.organisation = world.orgs[world.m1.pk]
    membership.save()
    assert client_for("paul").get(reverse("processes:event", args=[event.pk])).status_code == 200


def test_workshop_walk(client_for, world, process):
    client = client_for("mia")
    response = client.post(reverse("processes:event_create", args=[process.pk]), {
        "kind": "workshop", "title": "2. QE-Werkstatt", "starts_at": "2027-01-14T09:00",
        "ends_at": "2027-01-14T16:00", "place": "Jugendamt"})
    event = Event.objects.get(title="2. QE-Werkstatt")
    assert response.status_code == 302
    client.post(reverse("processes:agenda_add", args=[event.pk]),
                {"time": "09:30", "topic": "Ergebnisse der Bestandsaufnahme", "lead": "Institut"})
    assert event.agenda.get().topic == "Ergebnisse der Bestandsaufnahme"
    client.post(reverse("processes:invite", args=[event.pk]),
                {"organisations": [str(world.orgs[world.m1.pk].pk)]})
    invitation = Invitation.objects.get(event=event)
    response = client.post(reverse("processes:attendance", args=[event.pk]), {
        f"i{invitation.pk}-reply": "yes", f"i{invitation.pk}-announced": "3",
        f"i{invitation.pk}-attended": "on", f"i{invitation.pk}-participants": "3"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.attended and invitation.participants == 3
    client.post(reverse("processes:minutes", args=[event.pk]),
                {"minutes": "Schwerpunkt Übergaben vereinbart.", "open_points": "Termin AG"})
    client.post(reverse("processes:decision_add", args=[event.pk]),
                {"text": "Arbeitsgruppe Übergaben wird gegründet."})
    assert Decision.objects.get(event=event).text.startswith("Arbeitsgruppe")
    page = client.get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "Schwerpunkt Übergaben" in page and "Arbeitsgruppe Übergaben" in page
    assert AuditEntry.objects.filter(municipality=world.m1, action="invite").exists()
    detail = client.get(reverse("processes:detail", args=[process.pk])).content.decode()
    assert "2. QE-Werkstatt" in detail  # on the timeline


@pytest.mark.parametrize("data,message", [
    ({"kind": "workshop", "title": "X", "starts_at": "2027-01-14T16:00",
      "ends_at": "2027-01-14T09:00"}, "The end must not lie before the beginning."),
    ({"kind": "party", "title": "X", "starts_at": "2027-01-14T09:00",
      "ends_at": "2027-01-14T10:00"}, "Select a valid choice."),
    ({"kind": "workshop", "title": "X", "starts_at": "gestern", "ends_at": "2027-01-14T10:00"},
     "Enter a valid date/time."),
    ({"kind": "workshop", "title": "X", "starts_at": "2027-01-14T09:00",
      "ends_at": "2027-01-14T10:00", "online_link": "javascript:alert(1)"}, "Enter a valid URL."),
])
def test_event_bad_input(client_for, world, process, data, message):
    response = client_for("mia").post(reverse("processes:event_create", args=[process.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Event.objects.exists()


def test_attendance_bad_input_keeps_the_whole_table(client_for, world, event):
    """One bad cell ("zwei") refuses the table; every tick and count comes back as typed and
    the faulty cell is marked."""
    first, second = event.invitations.order_by("pk")
    data = {f"i{first.pk}-reply": "yes", f"i{first.pk}-announced": "4",
            f"i{first.pk}-attended": "on", f"i{first.pk}-participants": "zwei",
            f"i{second.pk}-reply": "no", f"i{second.pk}-announced": "0",
            f"i{second.pk}-participants": "0"}
    response = client_for("mia").post(reverse("processes:attendance", args=[event.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    cell = page.split(f'id="id_i{first.pk}-participants"')[0].rsplit("<td", 1)[1]
    assert "qd-cell--error" in cell
    field = page.split(f'id="id_i{first.pk}-participants"')[0].rsplit("<input", 1)[1]
    assert 'value="zwei"' in field and "kern-form-input__input--error" in field
    assert f'aria-describedby="id_i{first.pk}-participants_error"' in field
    assert "Enter a whole number." in page
    assert "checked" in page.split(f'id="id_i{first.pk}-attended"')[1][:20]
    assert 'value="4"' in page.split(f'id="id_i{first.pk}-announced"')[0].rsplit("<input", 1)[1]
    assert "Nothing was saved. Please correct the marked cells (Jugendamt" in page
    for invitation in (first, second):
        invitation.refresh_from_db()
        assert (invitation.reply, invitation.participants, invitation.attended) == (
            "open", 0, False)


def test_foreign_organisation_cannot_be_invited(client_for, world, event):
    response = client_for("mia").post(reverse("processes:invite", args=[event.pk]),
                                      {"organisations": [str(world.orgs[world.m3.pk].pk)]})
    assert response.status_code == 400 and event.invitations.count() == 2


def _contact(organisation, name):
    from qdialog.network.models import ContactPerson

    return ContactPerson.objects.create(organisation=organisation, name=name,
                                        function="Kinderschutzfachkraft")


def test_invite_people_invites_their_organisation(client_for, world, event):
    clinic = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name="Klinikum Eins", professional_system="health")
    doctor = _contact(clinic, "Dr. Beispiel")
    teacher = _contact(event.invitations.get(organisation__name="Grundschule Eins").organisation,
                       "Frau Lehrerin")
    client = client_for("mia")
    page = client.get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "Dr. Beispiel, Kinderschutzfachkraft – Klinikum Eins" in page
    response = client.post(reverse("processes:invite", args=[event.pk]),
                           {"contacts": [doctor.pk, teacher.pk]})
    assert response.status_code == 302
    assert set(event.invitations.get(organisation=clinic).contacts.all()) == {doctor}
    assert event.invitations.count() == 3
    page = client.get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "Frau Lehrerin" in page
    sheet = client.get(reverse("processes:attendance_list", args=[event.pk])).content.decode()
    assert "Dr. Beispiel" in sheet and "Frau Lehrerin" in sheet


@pytest.mark.parametrize("data,message", [
    ({}, "Choose at least one organisation or person."),
    ({"contacts": ["foreign"]}, "Select a valid choice"),
])
def test_invite_bad_input(client_for, world, event, data, message):
    _contact(world.orgs[world.m1.pk], "Herr Intern")
    foreign = _contact(world.orgs[world.m3.pk], "Frau Fremd")
    if data.get("contacts") == ["foreign"]:
        data = {"contacts": [str(foreign.pk)]}
    response = client_for("mia").post(reverse("processes:invite", args=[event.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert event.invitations.count() == 2
    assert not foreign.invitations.exists()


def test_community_profile(client_for, world, process, event):
    invitation = event.invitations.get(organisation=world.orgs[world.m1.pk])
    invitation.attended = True
    invitation.save()
    services.decision_add(actor=None, event=event, text="AG Übergaben gegründet.")
    process.interests = "Übergaben verbessern"
    process.special_features = "Ländlicher Raum, lange Wege."
    process.save()
    page = client_for("paul").get(reverse("processes:profile", args=[process.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    for text in ["Übergaben verbessern", "AG Übergaben gegründet.", "Ländlicher Raum",
                 "1. QE-Werkstatt"]:
        assert text in body, text
    pdf = client_for("mia").get(reverse("processes:profile_pdf", args=[process.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert client_for("oscar").get(reverse("processes:profile", args=[process.pk])) \
        .status_code == 404


def test_decision_linked_to_a_standard(client_for, world, event):
    from qdialog.standards import services as standard_services
    from tests.standards.test_standards import FIELDS

    standard = standard_services.standard_create(actor=None, municipality=world.m1,
                                                 fields=FIELDS)
    foreign = standard_services.standard_create(actor=None, municipality=world.m3,
                                                fields=FIELDS)
    decision = services.decision_add(actor=None, event=event, text="Standard wird erprobt.")
    url = reverse("processes:decision_standard", args=[event.pk, decision.pk])
    assert client_for("paul").post(url, {"standard": standard.pk}).status_code == 404
    refused = client_for("mia").post(url, {"standard": foreign.pk})
    assert refused.status_code == 400
    assert client_for("mia").post(url, {"standard": standard.pk}).status_code == 302
    decision.refresh_from_db()
    assert decision.standard == standard
    body = client_for("mia").get(reverse("standards:detail", args=[standard.pk])) \
        .content.decode()
    assert "Standard wird erprobt." in body
    # a participant whose organisation is not invited does not see the decision there
    assert "Standard wird erprobt." not in client_for("paul").get(
        reverse("standards:detail", args=[standard.pk])).content.decode()


def test_timeline_shows_adopted_standards_and_due_actions(client_for, world, process):

    from qdialog.actions import services as action_services
    from qdialog.standards import services as standard_services
    from tests.standards.test_standards import FIELDS, adopt

    standard = standard_services.standard_create(actor=None, municipality=world.m1,
                                                 fields=FIELDS)
    adopt(standard)
    action_services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Rückmeldefrist einführen", "due_on": dt.date(2027, 3, 1)})
    body = client_for("paul").get(reverse("processes:detail", args=[process.pk])) \
        .content.decode()
    assert standard.title in body and "Rückmeldefrist einführen" in body
