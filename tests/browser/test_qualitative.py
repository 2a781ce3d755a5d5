"""Issue 17's walk of the qualitative analysis: the institute sets up a category system and a
programme project with two coders, uploads a transcript with a name in it and replaces the
name, codes by keyboard and by whole units, double-codes with a cluster coordinator, reads the
agreement, agrees a consensus and exports the project as REFI-QDA (.qdpx) – axe-clean pages on
the way, and screenshots at desktop and phone size (test-artifacts/4?-qualitative-*.png).

Labels are looked up through the translation catalogue (`t`): the walk reads German where the
catalogue has it and the English source string where it does not yet."""

import io
import re
import zipfile

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSCRIPT = (
    "Interview mit einer Fachkraft des Jugendamts.\n\n"
    "Frau Müller aus der Kita rief im Jugendamt an. "
    "Die Schule meldete sich erst nach zwei Wochen. "
    "Danach gab es eine gemeinsame Fallkonferenz mit allen Stellen.\n")
DELAY = "Die Schule meldete sich erst nach zwei Wochen."
CONFERENCE = "Danach gab es eine gemeinsame Fallkonferenz mit allen Stellen."
PHONE = {"width": 390, "height": 844}
KEYBOARD_LABEL = ("Select a passage: with the mouse in the text above, or here with Shift and "
                  "the arrow keys")


def t(text):
    """The German of an English source string, or the string itself where it lacks German."""
    with translation.override("de"):
        return translation.gettext(text)


def field(verbose_name):
    """The label Django gives a model field: its verbose name, capitalised (an optional
    field's label goes on with "– optional")."""
    return starts(capfirst(t(verbose_name)))


def starts(text):
    """A label that begins with the (translated) text and may go on after a space."""
    return re.compile(rf"^\s*{re.escape(t(text))}(\s|$)")


def exact(text):
    """A pattern for a whole accessible name, the string German or English."""
    return re.compile(rf"^\s*{re.escape(t(text))}\s*$")


def add_code(page, name, *, parent=None, definition, anchor, rule):
    page.get_by_role("link", name=t("Add a code")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Add a code"))
    page.get_by_label(field("name")).fill(name)
    if parent:
        page.get_by_label(field("parent code")).select_option(label=parent)
    page.get_by_label(field("definition")).fill(definition)
    page.get_by_label(field("anchor example")).fill(anchor)
    page.get_by_label(field("coding rule")).fill(rule)
    # not preselected (see the report): the form's initial "origin" of None hides the default
    page.get_by_label(t("deductive (defined up front)")).check()
    page.get_by_role("button", name=t("Add code")).click()
    expect(page.get_by_text(t("The code %(name)s was added.") % {"name": name})).to_be_visible()


def drag_select(page, passage):
    """Select a passage of the document's text with the mouse, from its first character to its
    last."""
    box = page.locator("#doc-text").evaluate("""(doc, passage) => {
        const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(passage);
            if (at < 0) { continue; }
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + 1);
            const first = range.getBoundingClientRect();
            range.setStart(node, at + passage.length - 1); range.setEnd(node, at + passage.length);
            const last = range.getBoundingClientRect();
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }
        return null;
    }""", passage)
    assert box, f"{passage!r} is not in one piece of the text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def code_units(page, sentence, code):
    """The no-JavaScript way: tick a whole sentence and a code."""
    units = page.locator("#units")
    if units.get_attribute("open") is None:
        units.locator("summary").click()
    units.get_by_label(re.compile(re.escape(sentence))).check()
    page.locator("#coding-form .qd-code-choices").get_by_label(code, exact=True).check()
    page.locator("#coding-form").get_by_role("button", name=exact("Code")).click()
    expect(page.locator("#margin")).to_contain_text(sentence[:40])


def test_qualitative_walk(browser, page, live_server, axe_check, shot, tmp_path):
    from qdialog.qualitative.models import Coding, Document

    world = build_world()
    base = live_server.url
    log_in(page, base, "alice@example.org")

    # 1. the institute sets up the category system and a programme project with two coders
    page.goto(f"{base}/p/{world.a.slug}/qualitative/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Qualitative analysis"))
    axe_check(page, "qualitative overview")
    page.get_by_role("link", name=t("New category system")).click()
    axe_check(page, "new category system")
    page.get_by_label(field("name")).fill("Kinderschutz an Schnittstellen")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("The category system was set up. Now add its codes."))) \
        .to_be_visible()
    axe_check(page, "empty category system")
    add_code(page, "Kooperation", definition="Wie Stellen zusammenarbeiten.",
             anchor="Wir haben gemeinsam eine Fallkonferenz einberufen.",
             rule="Nur bei gemeinsamem Handeln, nicht bei bloßer Information.")
    axe_check(page, "category system with one code")
    add_code(page, "Rückmeldung", parent="Kooperation",
             definition="Eine Stelle erfährt, was aus ihrer Mitteilung wurde.",
             anchor="Das Jugendamt rief die Kita zurück.",
             rule="Nur Rückmeldungen an die mitteilende Stelle.")
    add_code(page, "Zeitverzug", definition="Etwas geschieht später als nötig.",
             anchor="Die Mitteilung blieb zwei Wochen liegen.",
             rule="Nur wenn eine Verzögerung ausdrücklich genannt wird.")
    system_url = page.url.split("#")[0]
    expect(page.locator(".qd-codetree__item")).to_have_count(3)
    expect(page.locator(".qd-codetree__item.qd-depth-1")).to_contain_text("Rückmeldung")
    axe_check(page, "category system")

    page.goto(f"{base}/p/{world.a.slug}/qualitative/")
    page.get_by_role("link", name=t("New coding project")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New coding project"))
    axe_check(page, "new coding project")
    page.get_by_label(field("title")).fill("Schnittstellen 2026")
    page.get_by_label(t("Whose project")).select_option("programme")
    page.get_by_label(field("research question")).fill("Woran scheitern Mitteilungen?")
    page.get_by_label(field("category system")).select_option(
        label="Kinderschutz an Schnittstellen")
    page.get_by_label("Alice Institut").check()
    page.get_by_label("Carol Cluster").check()
    page.get_by_label(field("unit of agreement")).select_option("sentence")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("The coding project was set up. Now add material."))) \
        .to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schnittstellen 2026")
    project_url = page.url
    axe_check(page, "empty project")

    # 2. a transcript with a name: flagged, replaced, then open for coding
    page.get_by_role("link", name=t("Add material")).first.click()
    axe_check(page, "material")
    transcript = tmp_path / "interview-fachkraft.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    page.get_by_label(t("File (TXT, DOCX or ODT)")).set_input_files(str(transcript))
    page.get_by_label(starts("Title")).fill("Interview Fachkraft Jugendamt")
    page.get_by_role("button", name=exact("Upload")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview Fachkraft Jugendamt")
    findings = page.locator("#findings")
    expect(findings).to_contain_text("Frau Müller")
    expect(page.get_by_text(t("Coding begins once every flagged passage is replaced or "
                              "confirmed."))).to_be_visible()
    expect(page.locator("#coding-form")).to_have_count(0)
    axe_check(page, "document with a flagged passage")
    shot(page, "40-qualitative-document-flagged")
    findings.get_by_label(t("Replace with")).fill("[Fachkraft der Kita]")
    findings.get_by_role("button", name=exact("Replace")).click()
    expect(page.get_by_text(t("The passage was replaced."))).to_be_visible()
    expect(page.locator("#findings")).to_have_count(0)
    expect(page.locator("#doc-text")).to_contain_text("[Fachkraft der Kita] aus der Kita")
    expect(page.locator("#doc-text")).not_to_contain_text("Müller")
    document = Document.objects.get(title="Interview Fachkraft Jugendamt")
    document_url = f"{base}/qualitative/documents/{document.pk}/"

    # 3. code a passage: select it in the text with the mouse, then the keyboard: Tab, Space,
    # Enter (selecting with Shift and the arrow keys: the test below)
    area = page.get_by_label(t(KEYBOARD_LABEL))
    expect(area).to_be_visible()
    begin = area.input_value().index(DELAY)
    drag_select(page, DELAY)
    expect(page.locator("#selection-note")).to_contain_text(DELAY)
    area.focus()
    choices = page.locator("#coding-form .qd-code-choices")
    page.keyboard.press("Tab")
    expect(choices.get_by_label("Kooperation", exact=True)).to_be_focused()
    for _ in range(2):
        page.keyboard.press("Tab")
    delay_box = choices.get_by_label("Zeitverzug", exact=True)
    expect(delay_box).to_be_focused()
    page.keyboard.press("Space")
    expect(delay_box).to_be_checked()
    page.keyboard.press("Enter")
    margin = page.locator("#margin")
    expect(margin.locator(".qd-margin__item").filter(has_text="Zeitverzug")) \
        .to_contain_text(DELAY)
    axe_check(page, "document with a coding")
    shot(page, "40-qualitative-document-coding-desktop")
    coding = Coding.objects.get(document=document, code__name="Zeitverzug")
    assert (coding.start, coding.end) == (begin, begin + len(DELAY))
    # and one sentence as a whole unit, the way without JavaScript
    code_units(page, CONFERENCE, "Kooperation")
    expect(margin.locator(".qd-margin__item")).to_have_count(2)

    # 4. double coding: both code on their own, each seeing only their own codings
    page.get_by_role("link", name=t("Document settings")).click()
    axe_check(page, "document settings")
    page.get_by_label(field("double coding")).check()
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("The settings were saved."))).to_be_visible()
    document.refresh_from_db()
    assert document.double_coding, "the document settings said saved but stored nothing"
    expect(page.get_by_text(t("Double coding: you see only your own codings until every coder "
                              "has finished."))).to_be_visible()
    axe_check(page, "double-coded document")

    carol_context = browser.new_context(locale="de-DE", viewport=PHONE)  # she codes on a phone
    carol = carol_context.new_page()
    log_in(carol, base, "carol@example.org")
    carol.goto(project_url)
    carol.get_by_role("link", name="Interview Fachkraft Jugendamt").click()
    expect(carol.locator("#margin")).to_contain_text(t("No codings yet."))
    expect(carol.locator("#margin")).not_to_contain_text("Alice")
    axe_check(carol, "second coder's blind document")
    shot(carol, "40-qualitative-document-coding-phone")
    code_units(carol, DELAY, "Zeitverzug")
    code_units(carol, CONFERENCE, "Rückmeldung")
    expect(carol.locator("#margin .qd-margin__item")).to_have_count(2)
    expect(carol.locator("#margin")).not_to_contain_text("Kooperation")
    page.reload()
    expect(margin.locator(".qd-margin__item")).to_have_count(2)
    expect(margin).not_to_contain_text("Rückmeldung")  # carol's coding stays hidden

    carol.get_by_role("button", name=t("I have finished this document")).click()
    expect(carol.get_by_text(t("You have finished this document. The others' codings show "
                               "once every coder has finished."))).to_be_visible()
    expect(carol.get_by_role("button", name=t("Reopen my coding"))).to_be_visible()
    axe_check(carol, "finished, waiting for the other coder")
    page.get_by_role("button", name=t("I have finished this document")).click()
    expect(page.get_by_text(t("Double coding: every coder has finished."))).to_be_visible()
    expect(margin.locator(".qd-margin__item")).to_have_count(4)
    expect(margin).to_contain_text("Carol Cluster")
    axe_check(page, "double coding finished")
    carol_context.close()

    # 5. agreement figures, then the consensus discussion
    page.get_by_role("link", name=t("Agreement"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Agreement between coders"))
    table = page.get_by_role("table", name=t("Per code and overall"))
    expect(table).to_be_visible()
    for name in ("Kooperation", "Rückmeldung", "Zeitverzug", t("All codes")):
        expect(table.get_by_role("row", name=re.compile(re.escape(name)))).to_be_visible()
    # the delay agrees throughout: percent agreement 100 % on its two units
    expect(table.get_by_role("row", name=re.compile("Zeitverzug"))).to_contain_text("100")
    axe_check(page, "agreement")
    agreement_url = page.url

    page.get_by_role("link", name="Interview Fachkraft Jugendamt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Consensus discussion"))
    differ = page.get_by_role("table", name=t("Where the coders differ"))
    expect(differ.locator("tbody tr")).to_have_count(2)
    axe_check(page, "consensus")
    differ.get_by_role("row").filter(has_text="Kooperation").get_by_role(
        "button", name=t("Code it"), exact=True).click()
    expect(page.get_by_text(t("The decision was recorded."))).to_be_visible()
    differ.get_by_role("row").filter(has_text="Rückmeldung").get_by_role(
        "button", name=t("Do not code it"), exact=True).click()
    expect(page.get_by_text(t("The decision was recorded."))).to_be_visible()
    expect(differ.get_by_role("row").filter(has_text="Rückmeldung")).to_contain_text(
        t("not coded"))
    page.get_by_role("button", name=t("Take the agreed codings into the consensus")).click()
    with translation.override("de"):
        taken = [translation.ngettext("%(count)s agreed coding taken into the consensus.",
                                      "%(count)s agreed codings taken into the consensus.", n)
                 .split("%(count)s")[1] for n in (1, 2)]
    expect(page.get_by_text(re.compile("|".join(map(re.escape, taken))))).to_be_visible()
    consensus = page.locator("#h-consensus").locator("..")
    expect(consensus).to_contain_text("Kooperation")
    expect(consensus).to_contain_text("Zeitverzug")
    expect(consensus).not_to_contain_text("Rückmeldung")
    axe_check(page, "consensus agreed")
    shot(page, "41-qualitative-consensus")

    # the frequencies count the consensus
    page.get_by_role("link", name=t("Frequencies"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schnittstellen 2026")
    expect(page.locator("main")).to_contain_text("Zeitverzug")
    axe_check(page, "frequencies")
    frequencies_url = page.url

    # 6. export the project for MAXQDA & Co.
    page.get_by_role("link", name=t("REFI-QDA exchange")).click()
    axe_check(page, "exchange")
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download the project (.qdpx)")).click()
    assert download.value.suggested_filename.endswith(".qdpx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert "project.qde" in archive.namelist()
        assert "Zeitverzug" in archive.read("project.qde").decode()

    # screenshots of the four main pages, on a desktop and on a phone
    pages = {"document": document_url, "system": system_url, "agreement": agreement_url,
             "frequencies": frequencies_url}
    for name, url in pages.items():
        page.goto(url)
        shot(page, f"42-qualitative-{name}-desktop")
    phone_context = browser.new_context(locale="de-DE", viewport=PHONE)
    phone = phone_context.new_page()
    log_in(phone, base, "alice@example.org")
    for name, url in pages.items():
        phone.goto(url)
        axe_check(phone, f"{name} on a phone")
        shot(phone, f"42-qualitative-{name}-phone")
    phone_context.close()


def test_the_analysis_is_reached_from_the_programme_and_municipality(page, live_server):
    """docs/qualitative.md: open it from the programme's or a municipality's page."""
    world = build_world()
    base = live_server.url
    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/p/{world.a.slug}/")
    expect(page.get_by_role("link", name=t("Qualitative analysis"))).to_be_visible()
    page.goto(f"{base}/m/{world.m1.pk}/")
    expect(page.get_by_role("link", name=t("Qualitative analysis"))).to_be_visible()


def test_a_passage_is_selected_with_shift_and_the_arrow_keys(page, live_server):
    from qdialog.qualitative import services, system

    world = build_world()
    alice = world.people["alice"]
    category_system = system.system_create(actor=alice, programme=world.a, name="Netzwerk")
    system.code_create(actor=alice, system=category_system, name="Zeitverzug")
    project = services.project_create(actor=alice, programme=world.a, system=category_system,
                                      title="Schnittstellen", coders=[alice])
    document = services.document_add(actor=alice, project=project, kind="transcript",
                                      title="Interview", text=TRANSCRIPT.replace("Frau ", ""))
    base = live_server.url
    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/qualitative/documents/{document.pk}/")
    area = page.get_by_label(t(KEYBOARD_LABEL))
    area.focus()
    page.keyboard.press("Control+Home")
    for _ in range(area.input_value().index(DELAY)):
        page.keyboard.press("ArrowRight")
    for _ in range(len(DELAY)):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#selection-note")).to_contain_text(DELAY)
