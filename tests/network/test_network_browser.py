"""The network page in a browser (Debian's chromium, as tests/browser): the key figures keep their
text inside the card at 1280 px, the map sits beside its legend with the table below, a phone
gets legend and table instead of the picture without scrolling sideways, the filter works
without JavaScript, and a relation is edited with its history – axe-clean throughout."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401 - the browser tests' fixtures
    AXE,
    CHROMIUM,
    axe_check,
    browser_context_args,
    browser_type_launch_args,
    page,
    shot,
)
from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None or not AXE.exists(),
                                 reason="chromium or axe-core is not installed")]

OVERFLOWING = """() => [...document.querySelectorAll('.qd-figure')]
    .filter(card => card.scrollWidth > card.clientWidth + 1).map(card => card.textContent)"""


def test_network_page_on_desktop_and_phone(page, live_server, axe_check, shot):  # noqa: F811
    from qdialog.network import demo

    world = build_world()
    demo.load(world.a)
    log_in(page, live_server.url, "mia@example.org")
    page.goto(f"{live_server.url}/m/{world.m1.pk}/network/")
    assert page.evaluate(OVERFLOWING) == []
    # a long German compound in a card wraps inside it instead of running out
    page.evaluate("""() => { const card = document.querySelectorAll('.qd-figure')[1];
        card.lastChild.textContent = 'Kooperationsbeziehungsnetzwerkdichteindikatoren'; }""")
    assert page.evaluate(OVERFLOWING) == []
    picture, legend = page.locator(".qd-network-map__picture"), page.locator(".qd-network-legend")
    table = page.locator("#relations table")
    for part in (picture, legend, table):
        expect(part).to_be_visible()
    beside = picture.bounding_box()["x"] + picture.bounding_box()["width"]
    assert legend.bounding_box()["x"] >= beside  # the legend beside the map
    assert table.bounding_box()["y"] > picture.bounding_box()["y"]  # the table below it
    axe_check(page, "network")
    shot(page, "network-map")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(picture).to_be_hidden()
    expect(legend).to_be_visible()
    expect(table).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "network-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(".qd-network-filter summary").click()
    page.locator('input[name="system"][value="school"]').check()
    page.locator(".qd-network-filter button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/m/{world.m1.pk}/network/?system=school#map")
    expect(page.locator('.qd-network-legend [data-system="school"]')).to_be_visible()
    expect(page.locator('.qd-network-legend [data-system="counselling"]')).to_have_count(0)
    axe_check(page, "network filtered")

    page.locator("#relations a.kern-link", has_text="Bearbeiten").first.click()
    page.get_by_label("Art").select_option("written")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#history")).to_contain_text("mia@example.org")
    expect(page.locator("#history")).to_contain_text("Schriftliche Kooperationsvereinbarung")
    axe_check(page, "relation")
    shot(page, "network-relation")
