"""Results, comparison, benchmarking, reports and free-text release in a browser: axe-clean."""

import datetime as dt
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qdialog.surveys import schema, services
from qdialog.surveys.default_instrument import INSTRUMENT
from qdialog.surveys.demo import generate_answers
from qdialog.surveys.models import Response
from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme_waves(live_server):
    world = build_world()
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a,
                                                      spec=INSTRUMENT)
    waves = []
    for t in (0, 1):
        wave = services.wave_create(actor=None, instrument=instrument, fields={
            "title": f"Welle {t}", "timepoint": t, "opens_on": today - dt.timedelta(days=2),
            "closes_on": today + dt.timedelta(days=2)})
        services.wave_open(actor=None, wave=wave)
        waves.append(wave)
    compiled = schema.compiled(waves[0].instrument)
    rng = random.Random(2)
    for wave in waves:
        for municipality in (world.m1, world.m2, world.m3):
            for _ in range(20):
                answers = generate_answers(compiled, rng, 3.0 + wave.timepoint * 0.3)
                perspective, system = services._grouping(compiled, answers)
                Response.objects.create(wave=wave, municipality=municipality, language="de",
                                        submitted_on=today, perspective=perspective,
                                        professional_system=system, answers=answers)
        services.wave_close(actor=None, wave=wave)  # results exist once a wave is closed
        wave.refresh_from_db()
    return world, waves


def test_analysis_pages_are_accessible(page, live_server, programme_waves, axe_check, shot):
    world, (t0, t1) = programme_waves
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/")
    page.get_by_role("link", name="Welle 0 (t0)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ergebnisse")
    axe_check(page, "results of her municipality")
    page.get_by_role("link", name="Vergleich mit Welle 1 (t1)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Was sich verändert hat")
    axe_check(page, "comparison")
    shot(page, "14-comparison")
    page.goto(f"{base}/waves/{t0.pk}/benchmark/")
    expect(page.get_by_text("Landkreis Eins").first).to_be_visible()
    axe_check(page, "benchmark")
    page.goto(f"{base}/waves/{t0.pk}/reports/")
    axe_check(page, "reports")
    page.get_by_role("button", name="Bericht erstellen").click()
    expect(page.get_by_text("Kommunenbericht – Landkreis Eins (PDF)")).to_be_visible()
    page.goto(f"{base}/waves/{t0.pk}/texts/")
    axe_check(page, "free texts")


def test_overview_and_the_municipality_part(page, live_server, programme_waves, axe_check,
                                            shot):
    world, (t0, _t1) = programme_waves
    base = live_server.url
    world.a.institute_sees_names = True
    world.a.save()
    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/waves/{t0.pk}/results/")
    page.get_by_role("link", name="Die Kommunen im Überblick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Die Kommunen im Überblick")
    axe_check(page, "overview")
    shot(page, "15-overview")
    page.get_by_role("link", name="Kommune", exact=True).first.click()
    expect(page).to_have_url(f"{base}/waves/{t0.pk}/overview/?sort=name")
    rows = page.locator("#h-scores ~ div table").last.locator("tbody th")
    expect(rows.first).to_contain_text("Landkreis Drei")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "15-overview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/m/{world.m1.pk}/waves/")
    page.get_by_role("link", name="Welle 0 (t0): Codes und Rücklauf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welle 0 (t0)")
    expect(page.get_by_text("Antwortbögen aus dieser Kommune")).to_be_visible()
    axe_check(page, "the municipality's part")
    shot(page, "16-wave-part")


def test_free_texts_are_released_in_place_under_their_question(page, live_server,
                                                              programme_waves, axe_check):
    world, (t0, _t1) = programme_waves
    for n, response in enumerate(Response.objects.filter(wave=t0, municipality=world.m1)[:2]):
        response.answers["qe_gelingt"] = f"Gute Zusammenarbeit Nummer {n}."
        response.save()
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/waves/{t0.pk}/texts/")
    section = page.locator("section", has=page.locator("#q-qe_gelingt"))
    expect(section.get_by_role("cell", name="Gute Zusammenarbeit Nummer 0.", exact=True)) \
        .to_be_visible()
    axe_check(page, "free texts under their question")
    page.evaluate("window.stillHere = true")
    section.get_by_role("button", name=re.compile("^Freigeben.*Nummer 0")).click()
    row = section.locator("tr", has_text="Gute Zusammenarbeit Nummer 0.")
    expect(row.get_by_text("freigegeben")).to_be_visible()
    assert page.evaluate("window.stillHere === true")  # no reload, no jump to the top
    section.get_by_label("Auswählen: Gute Zusammenarbeit Nummer 1.").check()
    section.get_by_role("button", name="Ausgewählte zurückhalten").click()
    expect(page.get_by_text("1 Antwort zurückgehalten.")).to_be_visible()
    assert page.url.endswith("#q-qe_gelingt")
