"""The action plan in the browser: a workshop decision becomes an action, the responsible person
notes progress, the board and the timeline show it; every page axe-clean."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_decision_to_action_to_progress(browser, page, live_server, axe_check, shot):
    from qdialog.processes import services

    world = build_world()
    membership = world.memberships["paul"]
    membership.organisation = world.orgs[world.m1.pk]
    membership.save()
    process = services.process_create(actor=None, municipality=world.m1, fields={"title": "QE"})
    start = timezone.now() - dt.timedelta(days=7)
    event = services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "2. QE-Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=6)})
    services.decision_add(actor=None, event=event, text="Rückmeldungen an Mitteilende regeln.")
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/events/{event.pk}/")
    page.get_by_role("link", name="Zur Maßnahme machen").click()
    expect(page.get_by_label("Titel")).to_have_value("Rückmeldungen an Mitteilende regeln.")
    page.get_by_label("Verantwortliche Organisation").select_option(
        label="Jugendamt Landkreis Eins")
    page.get_by_label("Verantwortliche Person").select_option(label="Paul Fachkraft")
    page.get_by_label("fällig").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    axe_check(page, "action form")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Maßnahme wurde in den Maßnahmenplan aufgenommen.")) \
        .to_be_visible()
    expect(page.get_by_text("Ein Beschluss einer Veranstaltung")).to_be_visible()
    axe_check(page, "action")

    other = browser.new_page(locale="de-DE")
    log_in(other, base, "paul@example.org")
    other.goto(page.url)
    other.get_by_label("Fortschrittsnotiz").fill("Entwurf an die Schulen geschickt.")
    other.get_by_label("Status").select_option("in_progress")
    other.get_by_role("button", name="Fortschritt festhalten").click()
    expect(other.get_by_text("Entwurf an die Schulen geschickt.")).to_be_visible()
    other.close()

    page.goto(f"{base}/m/{world.m1.pk}/actions/?view=board")
    expect(page.get_by_role("heading", name="In Arbeit (1)")).to_be_visible()
    axe_check(page, "board")
    shot(page, "23-action-board")
    page.goto(f"{base}/m/{world.m1.pk}/actions/?view=timeline")
    axe_check(page, "timeline")
    shot(page, "24-action-timeline")


def test_the_board_is_worked_by_keyboard(page, live_server, axe_check, shot):
    """A measure moves to another column with the keyboard alone; the board is swapped in place
    (no reload), the change is announced and focus stays on the moved card."""
    from qdialog.actions import services
    from qdialog.actions.models import Action

    world = build_world()
    action = services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Rückmeldefrist einführen", "status": "planned"})
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/actions/?view=board")
    page.evaluate("window.stillHere = true")
    axe_check(page, "board")
    select = page.get_by_label("Rückmeldefrist einführen: Verschieben nach")
    select.focus()
    expect(select).to_have_value("in_progress")  # the likely next column is preselected
    page.keyboard.press("Tab")
    expect(page.locator(f"#move-{action.pk}-go")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").get_by_text(
        "„Rückmeldefrist einführen“ nach „in Arbeit“ verschoben.")).to_be_visible()
    column = page.locator("section.qd-board__column").filter(has=page.locator("#col-in_progress"))
    expect(column.get_by_role("link", name="Rückmeldefrist einführen")).to_be_visible()
    assert page.evaluate("window.stillHere") is True  # swapped, not reloaded
    expect(page.locator(f"#move-{action.pk}-go")).to_be_focused()
    axe_check(page, "board after a move")
    shot(page, "25-board-moved")
    assert Action.objects.get(pk=action.pk).status == "in_progress"
