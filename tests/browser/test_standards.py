"""Issue 7's walk: draft a standard, comment, propose and accept an amendment, rate consent,
adopt it, create an action from it, mark progress, and export the concept."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_standard_walk(browser, page, live_server, axe_check, shot):
    world = build_world()
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/standards/")
    axe_check(page, "standards")
    page.get_by_role("link", name="Neues Dokument").click()
    page.get_by_label("Titel").fill("Rückmeldung an Mitteilende")
    page.get_by_label("Bereich").select_option("referral")
    page.get_by_label("Ebene").select_option("organisation")
    page.get_by_label("Der Standard").fill(
        "Jede Mitteilung wird innerhalb eines Arbeitstags gesichtet.\n\n"
        "Die mitteilende Stelle erhält binnen einer Woche eine Rückmeldung.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rückmeldung an Mitteilende")
    page.get_by_label("Neuer Status").select_option("consultation")
    page.get_by_role("button", name="Status ändern").click()

    # a participant comments, proposes a wording and rates
    other = browser.new_page(locale="de-DE")
    log_in(other, base, "paul@example.org")
    other.goto(page.url)
    other.locator("summary").nth(1).click()
    other.locator("#c-text-1").fill("Eine Woche ist für Schulen zu lang.")
    other.get_by_role("button", name=re.compile(r"^Kommentar\s*:\s*Der Standard 2")).click()
    other.locator("summary").nth(1).click()
    other.locator("#a-text-1").fill(
        "Die mitteilende Stelle erhält binnen drei Arbeitstagen eine Rückmeldung.")
    other.get_by_role("button", name=re.compile(r"Änderung vorschlagen\s*:\s*Der Standard 2")) \
        .click()
    other.get_by_label("Ich kann damit leben").check()
    other.get_by_label("Ihre Position").fill("Nur mit mehr Personal.")
    other.get_by_role("button", name="Zustimmung angeben").click()
    expect(other.get_by_text("1 Bewertung der Fassung 1.")).to_be_visible()
    other.close()

    page.reload()
    expect(page.get_by_text("drei Arbeitstagen")).to_be_visible()
    page.get_by_label("annehmen").check()
    page.get_by_role("button", name="Entscheiden").click()
    expect(page.get_by_text("Fassung 2").first).to_be_visible()
    axe_check(page, "standard")
    shot(page, "25-standard")
    for status in ("agreed", "adopted"):
        page.get_by_label("Neuer Status").select_option(status)
        if status == "adopted":
            page.get_by_label("Beschlossen von").fill("Jugendhilfeausschuss")
            page.get_by_label("Beschlossen am").fill("2026-11-20")
        page.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_text("Jugendhilfeausschuss").first).to_be_visible()

    page.get_by_role("link", name="Zur Maßnahme machen").click()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_label("Fortschrittsnotiz").fill("Verfahren in der Dienstbesprechung vorgestellt.")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Fortschritt festhalten").click()
    expect(page.get_by_text("Verfahren in der Dienstbesprechung vorgestellt.")).to_be_visible()

    page.goto(f"{base}/m/{world.m1.pk}/concept/")
    page.get_by_label("Einleitung").fill("Unser Konzept bündelt die Vereinbarungen.")
    page.get_by_role("button", name="Speichern").click()
    axe_check(page, "concept")
    with page.expect_download() as download:
        page.get_by_role("link", name="Qualitätskonzept als PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert re.search(r"qualitaetskonzept", download.value.suggested_filename)
