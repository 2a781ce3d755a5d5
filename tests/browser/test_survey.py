"""A respondent on a phone, and a coordinator following the wave: axe-clean, keyboard usable."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qdialog.surveys import services
from qdialog.surveys.default_instrument import INSTRUMENT
from qdialog.surveys.models import Response
from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_survey(live_server):
    world = build_world()
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a,
                                                      spec=INSTRUMENT)
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Bestandsaufnahme", "municipality": world.m1,
        "opens_on": today - dt.timedelta(days=1), "closes_on": today + dt.timedelta(days=5)})
    services.wave_open(actor=None, wave=wave)
    codes = services.codes_generate(actor=None, wave=wave, count=3)
    return world, wave, codes


def test_respondent_on_a_phone(browser, live_server, live_survey, axe_check, shot):
    _, wave, codes = live_survey
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
    page.goto(f"{live_server.url}/s/")
    axe_check(page, "code entry")
    page.get_by_label("Code").fill(codes[0].code.lower())
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kinderschutz-Bestandsaufnahme")
    axe_check(page, "questionnaire page 1")
    page.get_by_role("button", name="Weiter", exact=True).click()  # nothing chosen: error summary
    expect(page.get_by_role("alert")).to_contain_text("Bitte beantworten Sie diese Frage.")
    axe_check(page, "page with errors")
    shot(page, "10-respondent-errors")
    # keyboard only: the radio group is reachable and operable
    page.get_by_label("Fachkraft", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("group", name="In welchem Bereich arbeiten Sie?") \
        .get_by_label("Schule").check()
    page.get_by_role("button", name="Weiter", exact=True).click()
    expect(page.get_by_text("Teil 2 von 8")).to_be_visible()
    axe_check(page, "matrix page")
    shot(page, "11-respondent-matrix")
    page.get_by_role("button", name="Speichern und später weitermachen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Antworten sind gespeichert")
    page.get_by_role("link", name="Jetzt weitermachen").click()
    expect(page.get_by_text("Teil 2 von 8")).to_be_visible()  # the draft was restored
    for _ in range(6):
        page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_label("Was gelingt im Kinderschutz in Ihrer Kommune besonders gut?") \
        .fill("Kurze Wege.")
    page.get_by_role("button", name="Antworten absenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!")
    axe_check(page, "thanks")
    assert Response.objects.filter(wave=wave).count() == 1
    # no code in any address after the first one
    assert codes[0].code not in page.url and codes[0].code.lower() not in page.url
    page.goto(f"{live_server.url}/s/{codes[0].code}/")
    # a used code is answered like an unknown one
    expect(page.get_by_role("alert")).to_contain_text("kann nicht (mehr) verwendet werden")
    page.close()


def test_plain_language_for_clients(browser, live_server, live_survey, axe_check):
    _, wave, codes = live_survey
    page = browser.new_page(locale="de-DE")
    page.goto(f"{live_server.url}/s/{codes[1].code}/?lang=plain")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fragen zum Kinderschutz")
    page.get_by_label("Ich bekomme Hilfe für mich oder meine Familie.").check()
    page.get_by_role("button", name="Weiter", exact=True).click()
    expect(page.get_by_text("Mitreden von Kindern und Eltern")).to_be_visible()
    axe_check(page, "plain language")
    page.close()


def test_coordinator_follows_the_wave(page, live_server, live_survey, axe_check, shot):
    world, wave, _ = live_survey
    log_in(page, live_server.url, "mia@example.org")
    page.goto(f"{live_server.url}/m/{world.m1.pk}/waves/")
    axe_check(page, "wave list")
    page.get_by_role("link", name="Bestandsaufnahme (t0)").click()
    expect(page.get_by_role("heading", level=2, name="Bisherige Antworten")).to_be_visible()
    axe_check(page, "wave detail")
    shot(page, "12-wave-detail")
    page.get_by_role("link", name="Vorschau des Fragebogens").click()
    axe_check(page, "instrument preview")
    page.goto(f"{live_server.url}/waves/{wave.pk}/paper/")
    axe_check(page, "paper entry")


def test_results_page_is_accessible(page, live_server, live_survey, axe_check, shot):
    from qdialog.surveys.demo import generate_answers
    from qdialog.surveys.schema import compiled

    world, wave, _ = live_survey
    instrument = compiled(wave.instrument)
    rng = __import__("random").Random(1)
    for _ in range(40):
        answers = generate_answers(instrument, rng, 3.2)
        perspective, system = services._grouping(instrument, answers)
        Response.objects.create(wave=wave, municipality=world.m1, language="de",
                                submitted_on=timezone.localdate(), perspective=perspective,
                                professional_system=system, answers=answers)
    services.wave_close(actor=None, wave=wave)  # results exist once a wave is closed
    log_in(page, live_server.url, "mia@example.org")
    page.goto(f"{live_server.url}/waves/{wave.pk}/results/")
    expect(page.get_by_role("heading", name="Wo die Sichtweisen am weitesten auseinanderliegen")) \
        .to_be_visible()
    expect(page.get_by_text("95-%-KI").first).to_be_visible()
    axe_check(page, "results")
    shot(page, "13-results")
