"""File an anonymous report, triage and publish it, and read the answer with the follow-up code:
axe-clean pages on the way, the form also on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_triage_publish_and_answer(browser, page, live_server, axe_check, shot):
    from qdialog.incidents import services

    world = build_world()
    system = services.system_create(actor=world.people["mia"], programme=world.a,
                                    municipality=world.m1)
    base = live_server.url

    # 1. an anonymous professional reports, on a phone, without an account
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
    phone.goto(f"{base}/melden/{system.key}/")
    expect(phone.get_by_text("Sanktionsfrei")).to_be_visible()
    axe_check(phone, "report form")
    phone.get_by_label("Ihr Arbeitsfeld").select_option("school")
    phone.get_by_label("Phase des Falls").select_option("referral")
    phone.get_by_label("Alter des Kindes").select_option("6-9")
    phone.get_by_label("Was ist passiert?").fill(
        "Frau Schneider aus der Schule schickte eine Mitteilung, die zwei Wochen liegen blieb.")
    phone.get_by_label("Was war das Ergebnis?").fill("Der Hausbesuch fand verspätet statt.")
    phone.get_by_label("ein Schaden war möglich").check()
    phone.get_by_label("gelegentlich").check()
    phone.get_by_label("Die Meldung darf").check()
    phone.get_by_role("button", name="Meldung absenden").click()
    # the name is pointed out before anything is stored
    expect(phone.get_by_text("Bitte prüfen Sie Ihre Texte")).to_be_visible()
    axe_check(phone, "report form with warning")
    shot(phone, "19-report-form-warning")
    phone.get_by_label("Was ist passiert?").fill(
        "Eine Mitteilung der Schule blieb zwei Wochen im Funktionspostfach liegen.")
    phone.get_by_role("button", name="Meldung absenden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Meldung")
    code = phone.locator(".qd-code").inner_text()
    assert len(code) == 19
    axe_check(phone, "thanks")
    shot(phone, "19-report-thanks")

    # 2. the reviewer checks it for anonymity, comments and publishes
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/reporting/")
    page.get_by_role("link", name="Meldungen prüfen (1 neu)").click()
    # a new report has no number yet: numbers are given as the checks end, not on arrival
    page.get_by_role("link", name=re.compile(r"Neue Meldung vom")).first.click()
    axe_check(page, "review")
    page.get_by_label("Was ist passiert?").fill(
        "Eine Mitteilung blieb zwei Wochen im Postfach liegen.")
    page.get_by_label("Kategorie").select_option("information")
    page.get_by_label("Fachkommentar").fill("Funktionspostfächer brauchen eine Vertretung.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Meldung wurde gespeichert.")).to_be_visible()
    page.get_by_role("button", name="Anonymität geprüft – Prüfung abschließen").click()
    expect(page.get_by_text("Die Anonymitätsprüfung ist abgeschlossen")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meldung Nr. 1")
    page.get_by_label("Titel", exact=True).fill("Mitteilung bleibt liegen")
    page.get_by_label("Als Fall des Monats zeigen").check()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Die Meldung wurde für alle Mitglieder veröffentlicht.")) \
        .to_be_visible()
    axe_check(page, "published review")
    page.goto(f"{base}/m/{world.m1.pk}/reporting/")
    expect(page.get_by_text("Fall des Monats")).to_be_visible()
    axe_check(page, "reporting overview")
    shot(page, "20-reporting")

    # 3. the reporter reads the answer with the code
    phone.goto(f"{base}/melden/{system.key}/antwort/")
    phone.get_by_label("Rückfragecode").fill(code.lower())
    phone.get_by_role("button", name="Antwort anzeigen").click()
    expect(phone.get_by_text("Funktionspostfächer brauchen eine Vertretung.")).to_be_visible()
    axe_check(phone, "answer")
    shot(phone, "21-report-answer")
    phone.close()


def test_case_review_walk(page, live_server, axe_check, shot):
    """Start a case review, add an episode with a contributing factor, agree the findings and
    publish the summary."""
    world = build_world()
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/m/{world.m1.pk}/case-reviews/")
    axe_check(page, "case reviews")
    page.get_by_role("link", name="Fallanalyse beginnen").click()
    page.get_by_label("Titel").fill("Fallanalyse 2026-1")
    page.get_by_label("Methode").select_option("learning_together")
    page.get_by_label("Anlass").select_option("near_miss")
    page.get_by_label("Kontext").fill("Herr Krause meldete sich")
    expect(page.get_by_text("Herr Krause").last).to_be_visible()  # warned while writing
    page.get_by_label("Kontext").fill("Übergang von der Kita in die Schule.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fallanalyse 2026-1")
    page.get_by_role("link", name=re.compile(r"Hinzufügen\s*:\s*Schlüsselepisoden")).click()
    page.get_by_label("Titel").fill("Die Mitteilung der Kita")
    page.get_by_label("Was geschah").fill("Die Mitteilung blieb ohne Rückmeldung.")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Beitragenden Faktor hinzufügen").click()
    page.get_by_label("Ebene").select_option("frontline")
    page.get_by_label("Typ").select_option("multi_agency")
    page.get_by_label("Faktor").fill("Keine verabredete Rückmeldung an die Kita.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Keine verabredete Rückmeldung an die Kita.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Hinzufügen\s*:\s*Empfehlungen")).click()
    page.get_by_label("Empfehlung").fill("Rückmeldung an Mitteilende binnen einer Woche.")
    page.get_by_label("Gerichtet an").select_option("youth_office")
    page.get_by_role("button", name="Speichern").click()
    for _ in range(2):
        page.get_by_role("button", name=re.compile("Weiter zu")).click()
    # the locking step asks first and says what it locks
    page.get_by_role("link", name=re.compile("Weiter zu")).click()
    expect(page.get_by_text("Dieser Schritt sperrt die Fallanalyse")).to_be_visible()
    axe_check(page, "confirm a locking step")
    page.get_by_role("button", name=re.compile("Ja, weiter zu")).click()
    expect(page.get_by_text("Befunde abgestimmt").first).to_be_visible()
    axe_check(page, "case review")
    shot(page, "22-case-review")
    page.get_by_role("link", name="Zusammenfassung und Veröffentlichung").click()
    page.get_by_label("Veröffentlichte Zusammenfassung").fill(
        "Mitteilungen brauchen eine verlässliche Rückmeldung.")
    page.get_by_role("button", name="Zusammenfassung speichern").click()
    axe_check(page, "publish")
    page.get_by_role("link", name="Zusammenfassung veröffentlichen").click()
    expect(page.get_by_text("Dieser Schritt veröffentlicht die Zusammenfassung")).to_be_visible()
    page.get_by_role("button", name=re.compile("Ja, weiter zu")).click()
    expect(page.get_by_text("Bericht veröffentlicht").first).to_be_visible()
    page.goto(f"{base}/m/{world.m1.pk}/case-reviews/learning/")
    expect(page.get_by_text("damit kein einzelner Fall erkennbar ist")).to_be_visible()
    axe_check(page, "learning across reviews")


def test_redaction_after_the_lock(page, live_server, axe_check, shot):
    """Found by a walk: after "Befunde abgestimmt" a real name could only be confirmed as
    harmless. Now the lead replaces it everywhere, on the publication page."""
    from tests.casereviews.test_casereviews import agreed

    world = build_world()
    review = agreed(world)
    review.context = "Frau Yilmaz zog in die Lindenallee 4."
    review.save()
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/case-reviews/{review.pk}/publish/")
    expect(page.get_by_text("Frau Yilmaz").first).to_be_visible()
    axe_check(page, "publication page with identifiers")
    row = page.locator(".qd-finding-row").filter(has_text="Frau Yilmaz")
    row.get_by_label("Ersetzen durch").fill("[Mutter]")
    row.get_by_role("button", name="Überall ersetzen").click()
    expect(page.get_by_text(re.compile(r"Die Stelle wurde an 1 Ort gestrichen"))).to_be_visible()
    page.locator(".qd-finding-row").filter(has_text="Lindenallee 4").get_by_role(
        "button", name="Überall entfernen").click()
    expect(page.locator(".qd-finding-row")).to_have_count(0)
    axe_check(page, "publication page after redaction")
    shot(page, "22-redacted")
    review.refresh_from_db()
    assert review.context == "[Mutter] zog in die ."


def test_the_reporter_answers_a_question(browser, page, live_server, axe_check, shot):
    from qdialog.incidents import services
    from tests.incidents.support import file_report

    world = build_world()
    system = services.system_create(actor=world.people["mia"], programme=world.a,
                                    municipality=world.m1)
    report, code = file_report(system)
    base = live_server.url
    log_in(page, base, "mia@example.org")
    page.goto(f"{base}/incident-reports/{report.pk}/")
    page.get_by_label("Frage an die meldende Person").fill("War die Kita vorher eingebunden?")
    page.get_by_role("button", name="Frage stellen").click()
    expect(page.get_by_text("Die Frage wurde gesendet.")).to_be_visible()
    axe_check(page, "review with a question")
    # the reporter, on a phone, without an account
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
    phone.goto(f"{base}/melden/{system.key}/antwort/")
    phone.get_by_label("Rückfragecode").fill(code)
    phone.get_by_role("button", name="Antwort anzeigen").click()
    expect(phone.get_by_text("War die Kita vorher eingebunden?")).to_be_visible()
    phone.get_by_label("Ihre Antwort").fill("Ja, Frau Schulz von der Kita.")
    phone.get_by_role("button", name="Antwort senden").click()
    expect(phone.get_by_text("Mögliche Identifikatoren")).to_be_visible()  # checked first
    expect(phone.get_by_label("Ihre Antwort")).to_have_value("Ja, Frau Schulz von der Kita.")
    phone.get_by_label("Ihre Antwort").fill("Ja, die Kita war seit dem Sommer eingebunden.")
    phone.get_by_role("button", name="Antwort senden").click()
    expect(phone.get_by_text("Danke, Ihre Antwort wurde an die Prüfenden gesendet.")) \
        .to_be_visible()
    axe_check(phone, "reporter's answer")
    shot(phone, "21-reporter-answer")
    phone.close()
    page.goto(f"{base}/reporting/{system.pk}/queue/")
    expect(page.get_by_text("1 neue Antwort der meldenden Person")).to_be_visible()
    page.goto(f"{base}/incident-reports/{report.pk}/")
    expect(page.get_by_text("Ja, die Kita war seit dem Sommer eingebunden.")).to_be_visible()
