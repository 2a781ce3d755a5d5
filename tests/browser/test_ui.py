"""A person in a browser: log in, switch language, navigate, and every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_world(live_server):
    return build_world()


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")


def test_coordinator_journey(page, live_server, live_world, axe_check, shot):
    base = live_server.url
    page.goto(base + "/")
    expect(page).to_have_title(re.compile("Willkommen"))
    axe_check(page, "landing")
    shot(page, "01-landing-de")

    page.goto(base + "/accounts/login/")
    axe_check(page, "login")
    log_in(page, base, "mia@example.org")
    axe_check(page, "home")
    shot(page, "02-home-de")

    page.get_by_role("link", name="Landkreis Eins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Landkreis Eins")
    expect(page.get_by_text("Im Netzwerk noch nicht vertreten")).to_be_visible()
    axe_check(page, "municipality")
    shot(page, "03-municipality-de")

    page.get_by_role("link", name="Organisationen").first.click()
    axe_check(page, "organisations")
    page.get_by_role("link", name="Organisation hinzufügen").click()
    page.get_by_role("button", name="Speichern").click()  # empty form: errors shown
    expect(page.get_by_role("alert").first).to_contain_text("Bitte korrigieren")
    axe_check(page, "form with errors")
    shot(page, "04-form-errors-de")
    page.get_by_label("Name").fill("Polizeiinspektion Eins")
    page.get_by_label("Professionssystem").select_option("police")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("hinzugefügt")
    expect(page.get_by_role("cell", name="Polizei", exact=True)).to_be_visible()

    page.get_by_role("link", name="Änderungsprotokoll").click()
    expect(page.get_by_text("Polizeiinspektion Eins").first).to_be_visible()
    axe_check(page, "audit log")

    # switch to English and back
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit log")
    shot(page, "05-audit-en")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("link", name="Anmelden").first).to_be_visible()


def test_institute_navigates_programme_to_municipality(page, live_server, live_world,
                                                       axe_check, shot):
    base = live_server.url
    log_in(page, base, "alice@example.org")
    page.get_by_role("link", name="Programme Alpha").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme Alpha")
    axe_check(page, "programme")
    shot(page, "06-programme-de")
    page.get_by_role("link", name="Cluster 1: North").first.click()
    axe_check(page, "cluster")
    page.get_by_role("link", name="Stadt Zwei").click()
    expect(page.get_by_role("navigation", name="Sie sind hier")).to_contain_text(
        "Programme Alpha")
    axe_check(page, "partner municipality")
    page.goto(base + f"/m/{live_world.mb.pk}/")  # another programme's municipality
    expect(page.get_by_text("Landkreis Beta")).to_have_count(0)


def test_keyboard_reaches_the_skip_link_first(page, live_server, live_world):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Zum Inhalt springen" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_account_pages_are_accessible(page, live_server, live_world, axe_check, shot):
    base = live_server.url
    page.goto(base + "/accounts/password/reset/")
    axe_check(page, "password reset")
    shot(page, "07-password-reset-de")
    log_in(page, base, "paul@example.org")
    page.get_by_role("link", name="Paul Fachkraft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Profil")
    axe_check(page, "profile")
    shot(page, "08-profile-de")
    page.get_by_role("link", name="Zwei-Faktor-Authentifizierung").click()
    axe_check(page, "two-factor overview")
    shot(page, "09-mfa-de")
    page.goto(base + "/accounts/password/change/")
    axe_check(page, "password change")
