"""Background work as its users see it: a report whose build failed says so and offers to try
again; a mailing run the mail server stopped says how far it got and offers to send the rest.
Both axe-clean, on a desktop and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import PASSWORD, build_world  # noqa: F401 - PASSWORD used by log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _closed_wave(world):
    from qdialog.surveys import services
    from tests.surveys.conftest import SMALL

    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "t0", "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=3)})
    services.wave_open(actor=None, wave=wave)
    return wave


def test_a_failed_report_and_a_stopped_mailing_run(browser, page, live_server, axe_check, shot):
    from qdialog.reports.models import Report
    from qdialog.surveys.models import MailingRun

    world = build_world()
    wave = _closed_wave(world)
    MailingRun.objects.create(wave=wave, total=40, sent=17, status="failed",
                              error="SMTPServerDisconnected: Connection unexpectedly closed")
    base = live_server.url
    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/waves/{wave.pk}/")
    expect(page.get_by_text("17 von 40 versandt")).to_be_visible()
    expect(page.get_by_role("button", name="Den Rest versenden")).to_be_visible()
    axe_check(page, "wave with a stopped mailing run")
    shot(page, "wave-mailing-run-stopped")

    from qdialog.surveys import services

    services.wave_close(actor=None, wave=wave)
    Report.objects.create(wave=wave, kind="programme", file_format="pdf", status="failed",
                          error="interrupted", requested_by=world.people["alice"])
    page.goto(f"{base}/waves/{wave.pk}/reports/")
    expect(page.get_by_text("Die Erstellung wurde unterbrochen")).to_be_visible()
    axe_check(page, "reports with a failed one")
    shot(page, "reports-failed")
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
    log_in(phone, base, "alice@example.org")
    phone.goto(f"{base}/waves/{wave.pk}/reports/")
    expect(phone.get_by_role("button", name="Erneut versuchen")).to_be_visible()
    axe_check(phone, "reports with a failed one, phone")
    shot(phone, "reports-failed-phone")
    phone.close()
