"""Retention in the browser: institute staff set a period and run the job; the municipality's
coordinator finds the export of her municipality's deleted data and downloads it. And the error
pages a person may meet (not found, database briefly away) – readable and axe-clean."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_retention_run_and_municipal_download(page, live_server, axe_check, shot, settings,
                                              tmp_path):
    from qdialog.surveys import services as surveys
    from qdialog.surveys.models import Response
    from tests.surveys.conftest import SMALL

    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    today = timezone.localdate()
    instrument = surveys.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = surveys.wave_create(actor=None, instrument=instrument, fields={
        "title": "Befragung 2024", "municipality": world.m1,
        "opens_on": today - dt.timedelta(days=900), "closes_on": today - dt.timedelta(days=850)})
    for days in (880, 870, 5):
        Response.objects.create(wave=wave, municipality=world.m1, language="de",
                                submitted_on=today - dt.timedelta(days=days),
                                answers={"q1": 3, "short": "", "count": 2})
    from qdialog.casereviews import services as reviews
    from qdialog.casereviews.models import CaseReview
    from tests.casereviews.test_casereviews import BASICS

    review = reviews.review_create(actor=None, municipality=world.m1, fields=BASICS)
    CaseReview.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(days=4000))
    base = live_server.url

    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/p/alpha/retention/")
    page.get_by_label("Befragungsantworten").fill("24")
    page.get_by_label("Fallanalysen").fill("120")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Aufbewahrungsfristen wurden gespeichert.")).to_be_visible()
    expect(page.get_by_text("Befragungsantworten: 2")).to_be_visible()
    page.get_by_role("button", name="Fälliges jetzt exportieren und löschen").click()
    expect(page.get_by_role("cell", name="Landkreis Eins")).to_have_count(2)
    # the case review's working material: listed, but not for the institute to download
    expect(page.get_by_text("nur für die Koordination der Kommune")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("ZIP-Datei"))).to_have_count(1)
    axe_check(page, "programme retention")
    shot(page, "30-retention-programme")
    assert Response.objects.count() == 1
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/")
    page.get_by_role("link", name="Aufbewahrung").click()
    expect(page.get_by_role("heading", name="Aufbewahrungsfristen des Programms")).to_be_visible()
    expect(page.get_by_text("24 Monate")).to_be_visible()
    expect(page.get_by_text("Von den Daten dieser Kommune ist nichts fällig.")).to_be_visible()
    expires = today + dt.timedelta(days=30)
    expect(page.get_by_role("cell", name=expires.strftime("%d.%m.%Y"))).to_have_count(2)
    axe_check(page, "municipal retention")
    shot(page, "31-retention-municipality")
    expect(page.get_by_role("link", name=re.compile("ZIP-Datei"))).to_have_count(2)
    for label, content in [("Befragungsantworten", "answers.json"),
                           ("Fallanalysen", "case_reviews.json")]:
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(f"ZIP-Datei – {label}")).click()
        with open(download.value.path(), "rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        assert archive.namelist() == [content]


def test_error_pages(page, live_server, axe_check, shot, settings):
    base = live_server.url
    page.goto(f"{base}/gibt-es-nicht/")
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    axe_check(page, "404")
    shot(page, "32-not-found")
    settings.ROOT_URLCONF = "tests.core.error_urls"
    response = page.goto(f"{base}/fail/database/")
    assert response.status == 503 and response.headers["retry-after"] == "5"
    expect(page.get_by_role("heading", name="Kurz nicht erreichbar")).to_be_visible()
    axe_check(page, "503")
    shot(page, "33-database-unavailable")
