"""A coordinator starts a quality development process and adapts a phase: axe-clean pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_a_process(page, live_server, axe_check, shot):
    world = build_world()
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/processes/")
    axe_check(page, "process list")
    page.get_by_role("link", name="Neuer Prozess").click()
    page.get_by_label("Titel").fill("Kinderschutz gemeinsam entwickeln")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kinderschutz gemeinsam entwickeln")
    expect(page.get_by_text("Werkstattphase").first).to_be_visible()
    axe_check(page, "process detail")
    page.get_by_role("link", name=re.compile(r"Bearbeiten\s*:\s*Werkstattphase")).click()
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("läuft")).to_be_visible()
    page.get_by_role("link", name="Neue Gruppe").click()
    page.get_by_label("Art").select_option("steering")
    page.get_by_label("Name").fill("Steuerungsgruppe")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_label("Organisation").select_option(label="Jugendamt Landkreis Eins")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_text("Jugendamt Landkreis Eins").first).to_be_visible()
    axe_check(page, "group")
    page.get_by_role("link", name="Zurück zum Prozess").click()
    shot(page, "15-process")


def test_schedule_a_workshop(browser, page, live_server, axe_check, shot):
    """Schedule, invite by e-mail, an invitee answers through the link without an account, the
    coverage counts the acceptance; the attendance table keeps a bad value and marks it."""
    from django.core import mail

    from qdialog.processes import services
    from qdialog.processes.models import Event, MailKind
    from qdialog.processes.tasks import send_event_mail

    world = build_world()
    youth = world.orgs[world.m1.pk]
    youth.email = "jugendamt@landkreis-eins.example"
    youth.save()
    process = services.process_create(actor=None, municipality=world.m1,
                                      fields={"title": "QE Eins"})
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/processes/{process.pk}/events/new/")
    page.get_by_label("Art").select_option("workshop")
    page.get_by_label("Titel").fill("1. QE-Werkstatt")
    page.get_by_label("beginnt").fill("2030-01-14T09:00")
    page.get_by_label("endet").fill("2030-01-14T16:00")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. QE-Werkstatt")
    expect(page.get_by_text("Die Veranstaltung wurde angelegt.")).to_be_visible()
    page.get_by_label("Thema").fill("Ergebnisse der Bestandsaufnahme")
    page.get_by_role("button", name="Zur Tagesordnung hinzufügen").click()
    expect(page.get_by_text("Der Punkt wurde in die Tagesordnung aufgenommen.")).to_be_visible()
    page.get_by_text("Organisationen und Personen einladen").click()
    page.get_by_label("Jugendamt Landkreis Eins").check()
    page.get_by_role("button", name="Einladen", exact=True).click()
    page.get_by_role("button", name=re.compile("Einladung versenden")).click()
    expect(page.get_by_text("Die Einladung wird an 1 Organisation versandt.")).to_be_visible()
    event = Event.objects.get(title="1. QE-Werkstatt")
    assert send_event_mail(event.pk, MailKind.INVITATION) == 1  # what the worker does
    page.reload()
    expect(page.get_by_text("1 von 1 Organisationen erreicht")).to_be_visible()
    # the invitee answers through the link in the e-mail, in a browser without a session
    link = next(line for line in mail.outbox[0].body.splitlines() if "/e/" in line).strip()
    invitee = browser.new_page(locale="de-DE")
    invitee.goto(base + link.split("8000", 1)[1])
    expect(invitee.get_by_text("Ergebnisse der Bestandsaufnahme")).to_be_visible()
    invitee.get_by_label("Ja, wir kommen").check()
    invitee.get_by_label("Mit wie vielen Personen kommen Sie?").fill("3")
    invitee.get_by_role("button", name="Rückmeldung senden").click()
    expect(invitee.get_by_text("Danke, Ihre Rückmeldung wurde gespeichert.")).to_be_visible()
    axe_check(invitee, "reply by link")
    shot(invitee, "16-reply-by-link")
    invitee.close()
    page.reload()
    coverage = page.locator("#invitations")
    expect(coverage.get_by_text(re.compile(r"Zusage:\s*Jugendamt"))).to_be_visible()
    # one bad cell: nothing is saved, every value comes back and the cell is marked
    page.get_by_label("Teilgenommen: Jugendamt Landkreis Eins").check()
    page.get_by_label("Anwesende Personen: Jugendamt Landkreis Eins").fill("zwei")
    page.get_by_role("button", name="Rückmeldungen und Teilnahme speichern").click()
    expect(page.get_by_text("Es wurde nichts gespeichert.")).to_be_visible()
    cell = page.get_by_label("Anwesende Personen: Jugendamt Landkreis Eins")
    expect(cell).to_have_value("zwei")
    expect(cell).to_have_attribute("aria-describedby", re.compile("_error"))
    expect(page.get_by_label("Teilgenommen: Jugendamt Landkreis Eins")).to_be_checked()
    axe_check(page, "attendance table refused")
    cell.fill("3")
    page.get_by_role("button", name="Rückmeldungen und Teilnahme speichern").click()
    expect(page.get_by_text("Die Teilnahme wurde gespeichert")).to_be_visible()
    page.get_by_label("Beschluss").fill("AG Übergaben wird gegründet.")
    page.get_by_role("button", name="Beschluss festhalten").click()
    expect(page.get_by_text("AG Übergaben wird gegründet.").first).to_be_visible()
    axe_check(page, "event")
    shot(page, "16-event")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "16-event-phone")


def test_network_page(page, live_server, axe_check, shot):
    from qdialog.network.models import Relation
    from qdialog.tenancy.models import Organisation

    world = build_world()
    school = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name="Grundschule Eins", professional_system="school")
    Relation.objects.create(municipality=world.m1, source=world.orgs[world.m1.pk],
                            target=school, kind="p8a", strength=3)
    log_in(page, live_server.url, "mia@example.org")
    page.goto(f"{live_server.url}/m/{world.m1.pk}/network/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kinderschutz-Netzwerk")
    page.get_by_text("Beziehung erfassen").click()
    axe_check(page, "network")
    shot(page, "17-network")


def test_cluster_conference(page, live_server, axe_check, shot):
    """A cluster coordinator runs the cluster's common process and invites organisations of
    several municipalities to a network conference."""
    world = build_world()
    base = live_server.url
    log_in(page, base, "carol@example.org")
    page.goto(f"{base}/p/alpha/clusters/{world.a1.number}/")
    page.get_by_role("link", name="Gemeinsame Qualitätsentwicklung des Clusters").click()
    axe_check(page, "cluster processes")
    page.get_by_role("link", name="Neuer Prozess des Clusters").click()
    page.get_by_label("Titel").fill("Gemeinsam im Cluster")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeinsam im Cluster")
    page.get_by_role("link", name="Neue Veranstaltung").click()
    page.get_by_label("Art").select_option("network_conference")
    page.get_by_label("Titel").fill("Clusterkonferenz")
    page.get_by_label("beginnt").fill("2027-02-10T10:00")
    page.get_by_label("endet").fill("2027-02-10T15:00")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Organisationen und Personen einladen").click()
    page.get_by_label(f"Jugendamt {world.m1.name} ({world.m1.name})").check()
    page.get_by_label(f"Jugendamt {world.m2.name} ({world.m2.name})").check()
    page.get_by_role("button", name="Einladen", exact=True).click()
    expect(page.get_by_text("2 Organisationen wurden eingeladen.")).to_be_visible()
    axe_check(page, "cluster event")
    shot(page, "18-cluster-event")
