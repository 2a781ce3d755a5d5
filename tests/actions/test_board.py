"""The board you can work on: a card moves to another column through a small form (htmx swaps
the board in place, a plain POST reloads the page), by the service that changes the status, so
it is audited and follows the rule of who may report progress; the timeline's labels, its line
for today and overdue actions marked in words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qdialog.actions import selectors, services
from qdialog.actions.models import Action, ProgressNote
from qdialog.core.models import AuditEntry
from tests.conftest import ROLES

TODAY = timezone.localdate()
HTMX = {"HX-Request": "true"}


@pytest.fixture
def action(world):
    return services.action_create(actor=world.people["mia"], municipality=world.m1, fields={
        "title": "Rückmeldung an Mitteilende regeln", "due_on": TODAY - dt.timedelta(days=3),
        "responsible_organisation": world.orgs[world.m1.pk],
        "responsible_person": world.people["paul"]})


def move_url(action, query="view=board"):
    return reverse("actions:move", args=[action.pk]) + (f"?{query}" if query else "")


def board_url(world):
    return reverse("actions:list", args=[world.m1.pk]) + "?view=board"


#: who may move a card: the municipality's coordinators (alice as institute staff of the
#: programme, mia) and the responsible person (paul); carol sees the board but may not; the
#: others do not see the municipality at all
EXPECTED = {"anon": "login", "alice": 302, "carol": 403, "mia": 302, "paul": 302, "oscar": 404,
            "zoe": 404}


@pytest.mark.parametrize("role", ROLES)
def test_move_for_each_role(client_for, world, action, role):
    response = client_for(role).post(move_url(action), {"status": "in_progress"})
    want = EXPECTED[role]
    action.refresh_from_db()
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role
    moved = want == 302
    assert action.status == ("in_progress" if moved else "planned"), role
    if moved:
        assert response["Location"] == board_url(world) + f"#card-{action.pk}"
    if want == 403:
        assert "may move it" in response.content.decode()
        assert "Nothing was moved" in response.content.decode()


def test_get_is_not_allowed(client_for, world, action):
    assert client_for("mia").get(move_url(action)).status_code == 405


def test_a_move_is_audited_kept_in_the_history_and_announced(client_for, world, action):
    client = client_for("mia")
    response = client.post(move_url(action), {"status": "done"}, follow=True)
    action.refresh_from_db()
    assert action.status == "done"
    note = ProgressNote.objects.get(action=action)
    assert (note.status_from, note.status_to, note.author) == ("planned", "done",
                                                               world.people["mia"])
    entry = AuditEntry.objects.filter(action="update", object_id=str(action.pk)).latest("id")
    assert entry.actor == world.people["mia"] and entry.municipality_id == world.m1.pk
    body = response.content.decode()
    assert "„Rückmeldung an Mitteilende regeln“ moved to „done“." in body
    assert "Done (1)" in body


@pytest.mark.parametrize("status", ["urgent", "", "planned"])
def test_a_bad_target_leaves_the_board_unchanged(client_for, world, action, status):
    before = list(Action.objects.values_list("id", "status"))
    response = client_for("mia").post(move_url(action), {"status": status})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was moved" in body and 'id="action-board"' in body
    assert {"planned": "already in „planned“", "": "Choose the column",
            "urgent": "„urgent“ is not a column of the board"}[status] in body
    assert list(Action.objects.values_list("id", "status")) == before
    assert not ProgressNote.objects.exists()
    assert not AuditEntry.objects.filter(action="update").exists()


def test_htmx_gets_the_board_fragment_with_the_message(client_for, world, action):
    other = services.action_create(actor=None, municipality=world.m1,
                                   fields={"title": "Fachtag", "status": "in_progress"})
    response = client_for("mia").post(move_url(action, "view=board&priority=medium"),
                                      {"status": "in_progress"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div class="qd-board" id="action-board">')
    assert "<html" not in body and "In progress (2)" in body and "Planned (0)" in body
    assert '<div id="board-status" hx-swap-oob="innerHTML">' in body
    assert "„Rückmeldung an Mitteilende regeln“ moved to „in progress“." in body
    assert 'id="plan-figures" hx-swap-oob="true"' in body
    # the cards keep the filter in their forms, and focus can return to the moved card's button
    assert f'hx-post="/actions/{other.pk}/move/?view=board&amp;priority=medium"' in body
    assert f'id="move-{action.pk}-go"' in body
    # the message was shown in the fragment, not again on the next page
    page = client_for("mia").get(board_url(world)).content.decode()
    assert page.count("moved to") == 0


def test_htmx_refusal_reloads_the_page_with_the_reason(client_for, world, action):
    client = client_for("mia")
    response = client.post(move_url(action), {"status": "urgent"}, headers=HTMX)
    assert response.status_code == 400 and response["HX-Redirect"] == board_url(world)
    page = client.get(board_url(world)).content.decode()
    assert "„urgent“ is not a column of the board" in page
    refused = client_for("carol").post(move_url(action), {"status": "done"}, headers=HTMX)
    assert refused.status_code == 403 and "HX-Redirect" in refused
    action.refresh_from_db()
    assert action.status == "planned"


def test_the_board_offers_moves_only_where_allowed(client_for, world, action):
    foreign = services.action_create(actor=None, municipality=world.m1,
                                     fields={"title": "Nicht Pauls", "status": "in_progress"})
    paul = client_for("paul").get(board_url(world)).content.decode()
    assert f'id="move-{action.pk}"' in paul and f'id="move-{foreign.pk}"' not in paul
    mia = client_for("mia").get(board_url(world)).content.decode()
    assert f'id="move-{action.pk}"' in mia and f'id="move-{foreign.pk}"' in mia
    carol = client_for("carol").get(board_url(world)).content.decode()
    assert 'name="status" id="move-' not in carol
    # the card's own column is not offered; the likely next one is preselected
    card = mia[mia.index(f'id="move-{action.pk}"'):]
    card = card[:card.index("</select>")]
    assert 'value="planned"' not in card and 'value="in_progress" selected' in card
    assert 'hx-target="#action-board"' in mia and 'method="post"' in mia
    assert '<label class="kern-label kern-body--small"' in mia.replace("\n  ", " ")


def test_board_query_counts(client_for, world, action, django_assert_max_num_queries):
    for i in range(20):
        services.action_create(actor=None, municipality=world.m1, fields={
            "title": f"A{i}", "due_on": TODAY + dt.timedelta(days=i),
            "status": ["planned", "in_progress", "done", "dropped"][i % 4],
            "responsible_organisation": world.orgs[world.m1.pk],
            "responsible_person": world.people["paul"]})
    for role in ("mia", "paul"):
        client = client_for(role)
        client.get(board_url(world))  # the session and the language settle first
        with django_assert_max_num_queries(10):
            assert client.get(board_url(world)).status_code == 200
    client = client_for("mia")
    with django_assert_max_num_queries(15):
        assert client.post(move_url(action), {"status": "done"},
                           headers=HTMX).status_code == 200


def test_timeline_labels_today_and_overdue(client_for, world, action):
    services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Leitbild überarbeiten", "status": "done",
        "starts_on": TODAY - dt.timedelta(days=90), "due_on": TODAY - dt.timedelta(days=10)})
    long = "Ein sehr langer Titel, der auf der Zeitleiste gekürzt werden muss, damit er passt"
    services.action_create(actor=None, municipality=world.m1, fields={
        "title": long, "starts_on": TODAY, "due_on": TODAY + dt.timedelta(days=200)})
    body = client_for("mia").get(reverse("actions:list", args=[world.m1.pk])
                                 + "?view=timeline").content.decode()
    assert ">Rückmeldung an Mitteilende regeln – overdue</text>" in body
    assert ">Leitbild überarbeiten</text>" in body  # done: not overdue
    assert f">{long[:selectors.LABEL_CHARS - 1]}…</text>" in body
    assert 'class="qd-gantt__today"' in body and "qd-gantt__late" in body
    assert f">today {TODAY.strftime('%d/%m/%Y')}</text>" in body
    assert body.count("qd-gantt__late") == 1


def test_timeline_geometry():
    today = dt.date(2026, 6, 15)
    late = Action(pk=1, title="Spät", starts_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 5, 1))
    late.status = "planned"
    future = Action(pk=2, title="Zukunft", due_on=dt.date(2026, 12, 31), status="planned")
    data = selectors.timeline([late, future], today=today)
    assert data["start"] == dt.date(2026, 3, 1)
    assert 0 < data["today_x"] < 100 and data["today_anchor"] == "middle"
    first, second = data["rows"]
    assert first["late_x"] < data["today_x"]
    assert first["anchor"] == "start" and second["anchor"] == "end"
    assert second["label_x"] <= 100 and first["y"] < second["y"] < data["height"]
    # a plan entirely in the future still shows today: the grid begins in today's month
    ahead = selectors.timeline([future], today=today)
    assert ahead["start"] == dt.date(2026, 6, 1) and ahead["today_x"] > 0
    assert ahead["months"][0][0] == dt.date(2026, 6, 1)
