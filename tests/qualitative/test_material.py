"""The material of a coding project: released free texts (with the group attributes of rare
groups left out), minutes and decisions, published near-miss reports, case-review material for
seat holders only, no duplicates on a second gather, uploads of TXT, DOCX and ODT with the
identifier check, bad files, and who may open the pages."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from qdialog.casereviews import services as review_services
from qdialog.casereviews.models import CaseReview, Episode, Hypothesis, Recommendation, ReviewMember
from qdialog.core.models import AuditEntry
from qdialog.incidents import services as incident_services
from qdialog.processes import services as process_services
from qdialog.qualitative import extract, material, rules, services
from qdialog.qualitative.models import Document
from qdialog.reports.services import text_decide
from qdialog.surveys.models import Response
from tests.analysis.test_results import close, wave  # noqa: F401 - fixture
from tests.incidents.support import file_report

pytestmark = pytest.mark.django_db

TEXTS = {"both": "Kurze Wege im Netzwerk.", "rare_perspective": "Mehr Zeit für Gespräche.",
         "rare_system": "Die Schule informiert spät.", "m2": "Aus der Stadt Zwei."}


def _answer(wave, municipality, perspective, system, text=None):  # noqa: F811
    answers = {"perspective": perspective, "system": system, "q1": 3, "q2": 3,
               "grid__a": 4, "grid__b": "_na", "count": 10}
    if text:
        answers["long"] = text
    Response.objects.create(wave=wave, municipality=municipality,
                            submitted_on=timezone.localdate(), language="de",
                            perspective=str(perspective), professional_system=str(system),
                            answers=answers)


@pytest.fixture
def texts(world, wave):  # noqa: F811
    """M1: six answer sets of perspective 1 / system 1, three of perspective 2 / system 1 (a
    rare perspective), two of perspective 1 / system 2 (a rare system); M2: five. Four texts
    released, one withheld."""
    m1, m2 = world.m1, world.m2
    _answer(wave, m1, 1, 1, TEXTS["both"])
    for _ in range(5):
        _answer(wave, m1, 1, 1)
    _answer(wave, m1, 2, 1, TEXTS["rare_perspective"])
    _answer(wave, m1, 2, 1, "Frau Beispiel vom ASD war toll.")
    _answer(wave, m1, 2, 1)
    _answer(wave, m1, 1, 2, TEXTS["rare_system"])
    _answer(wave, m1, 1, 2)
    _answer(wave, m2, 1, 1, TEXTS["m2"])
    for _ in range(4):
        _answer(wave, m2, 1, 1)
    close(wave)
    mia = world.people["mia"]
    for key in ("both", "rare_perspective", "rare_system"):
        text_decide(actor=mia, wave=wave, municipality=m1, variable="long", text=TEXTS[key],
                    release=True)
    text_decide(actor=mia, wave=wave, municipality=m1, variable="long",
                text="Frau Beispiel vom ASD war toll.", release=False)
    text_decide(actor=world.people["alice"], wave=wave, municipality=m2, variable="long",
                text=TEXTS["m2"], release=True)
    return wave


def _by_text(items):
    return {item.text: item for item in items}


# --- released free texts -----------------------------------------------------------------------
def test_released_free_texts_become_documents_with_safe_attributes(qd, world, texts):
    with translation.override("de"):
        items = material.free_text_items(project=qd.project, actor=qd.alice, wave=texts)
    found = _by_text(items)
    assert set(found) == set(TEXTS.values())  # the withheld one is not there
    assert [i.text for i in items] == sorted(found, key=str.casefold)  # by question, then text
    both = found[TEXTS["both"]]
    assert both.kind == "free_text" and both.title == "Lang"
    assert both.attributes == {"wave": str(texts), "question": "Lang", "perspective": "Leitung",
                               "professional_system": "Jugendamt"}
    assert both.municipality == world.m1
    # a perspective of three answer sets (wave minimum five) is left out, the system is not
    assert found[TEXTS["rare_perspective"]].attributes == {
        "wave": str(texts), "question": "Lang", "professional_system": "Jugendamt"}
    assert found[TEXTS["rare_system"]].attributes == {
        "wave": str(texts), "question": "Lang", "perspective": "Leitung"}
    assert found[TEXTS["m2"]].municipality == world.m2


def test_gathering_twice_adds_nothing_twice(qd, texts):
    first = material.gather_free_texts(actor=qd.alice, project=qd.project, wave=texts)
    assert (first.added, first.present) == (4, 0)
    second = material.gather_free_texts(actor=qd.alice, project=qd.project, wave=texts)
    assert (second.added, second.present) == (0, 4)
    documents = Document.objects.filter(project=qd.project, kind="free_text",
                                        source__startswith=f"text:{texts.pk}:")
    assert documents.count() == 4
    assert all(TEXTS["both"] not in d.title for d in documents)  # titled by the question


def test_a_municipality_project_takes_only_its_municipality(qd, world, texts):
    project = services.project_create(actor=world.people["mia"], programme=world.a,
                                      system=qd.system, title="Freitexte Eins",
                                      municipality=world.m1)
    items = material.free_text_items(project=project, actor=world.people["mia"], wave=texts)
    assert TEXTS["m2"] not in _by_text(items) and len(items) == 3
    with pytest.raises(ValidationError):
        material.free_text_items(project=project, actor=world.people["mia"], wave=texts,
                                 municipality=world.m2)
    one = material.free_text_items(project=qd.project, actor=qd.alice, wave=texts,
                                   municipality=world.m2)
    assert [i.text for i in one] == [TEXTS["m2"]]


def test_both_groups_together_must_be_large_enough():
    entry = {"municipality_id": 1, "groups": [("1", "2")]}
    sizes = {(1, "1", "1"): 9, (1, "2", "2"): 9, (1, "1", "2"): 2}
    # perspective 1 has 11, system 2 has 11, but only two answer sets hold both
    assert material._shown_groups(entry, sizes, 5) == ("1", "")
    # a text several answer sets of different perspectives gave keeps no perspective
    entry = {"municipality_id": 1, "groups": [("1", "1"), ("2", "2")]}
    assert material._shown_groups(entry, sizes, 5) == ("", "")


# --- minutes and decisions ---------------------------------------------------------------------
def _event(process, title, minutes="", decisions=()):
    start = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 0))
    event = process_services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": title, "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3), "minutes": minutes})
    for text in decisions:
        process_services.decision_add(actor=None, event=event, text=text)
    return event


@pytest.fixture
def events(world):
    mia = world.people["mia"]
    m1 = process_services.process_create(actor=mia, municipality=world.m1,
                                         fields={"title": "QE Landkreis Eins"})
    m3 = process_services.process_create(actor=world.people["oscar"], municipality=world.m3,
                                         fields={"title": "QE Landkreis Drei"})
    cluster = process_services.process_create(actor=world.people["carol"], cluster=world.a1,
                                              fields={"title": "Netzwerk Nord"})
    workshop = _event(m1, "1. QE-Werkstatt", "Wir haben über Übergänge gesprochen.",
                      ["Ein Leitfaden wird erarbeitet.", "Die Schule wird eingeladen."])
    _event(m1, "Ohne Protokoll")
    _event(m3, "Werkstatt Drei", "Protokoll aus Drei.")
    _event(cluster, "Netzwerkkonferenz", "Protokoll der Konferenz.")
    return workshop


def test_minutes_and_decisions_of_the_reach(qd, world, events):
    carol = world.people["carol"]
    project = services.project_create(actor=carol, programme=world.a, system=qd.system,
                                      title="Cluster Nord", cluster=world.a1)
    items = material.event_items(project=project, actor=carol)
    found = _by_text(items)
    assert set(found) == {"Wir haben über Übergänge gesprochen.",
                          "Ein Leitfaden wird erarbeitet.", "Die Schule wird eingeladen.",
                          "Protokoll der Konferenz."}  # not M3's
    minutes = found["Wir haben über Übergänge gesprochen."]
    assert minutes.kind == "minutes" and minutes.source == f"event:{events.pk}:minutes"
    assert minutes.municipality == world.m1 and "1. QE-Werkstatt" in minutes.title
    decision = found["Ein Leitfaden wird erarbeitet."]
    assert decision.kind == "decision" and decision.source.startswith("decision:")
    assert found["Protokoll der Konferenz."].municipality is None  # the cluster's own process
    result = material.gather_events(actor=carol, project=project)
    assert (result.added, result.present) == (4, 0)
    again = material.gather_events(actor=carol, project=project)
    assert (again.added, again.present) == (0, 4)


def test_only_events_the_person_may_see(qd, world, events):
    # a participant whose organisation is not invited sees none of M1's events
    assert material.event_items(project=qd.project, actor=world.people["paul"]) == []
    everything = material.event_items(project=qd.project, actor=qd.alice)
    assert "Protokoll aus Drei." in _by_text(everything)  # the programme's project: all


# --- published near-miss reports ---------------------------------------------------------------
@pytest.fixture
def incidents(world):
    system = incident_services.system_create(actor=world.people["mia"], programme=world.a,
                                             municipality=world.m1)
    file_report(system)  # received, not published
    report, _code = file_report(system)
    incident_services.triage_save(actor=None, report=report, fields={
        "category": "information", "expert_comment": "Vertretung für Postfächer regeln."})
    incident_services.finish_check(actor=None, report=report)
    incident_services.report_publish(actor=None, report=report, title="Mitteilung bleibt liegen",
                                     text="Eine Mitteilung blieb im Postfach liegen.",
                                     featured=False)
    return report


def test_published_reports_in_their_published_wording(qd, world, incidents):
    items = material.incident_items(project=qd.project, actor=qd.alice)
    assert len(items) == 1
    item = items[0]
    assert item.title == "Mitteilung bleibt liegen"
    assert item.text == "Eine Mitteilung blieb im Postfach liegen."
    assert "zwei Wochen" not in item.text and item.kind == "incident"
    assert item.source == f"incident:{incidents.pk}" and item.municipality == world.m1
    assert (material.gather_incidents(actor=qd.alice, project=qd.project).added,
            material.gather_incidents(actor=qd.alice, project=qd.project).present) == (1, 1)
    m3 = services.project_create(actor=world.people["oscar"], programme=world.a,
                                 system=qd.system, title="Drei", municipality=world.m3)
    assert material.incident_items(project=m3, actor=world.people["oscar"]) == []


# --- case reviews ------------------------------------------------------------------------------
@pytest.fixture
def review(world):
    r = review_services.review_create(actor=world.people["mia"], municipality=world.m1, fields={
        "title": "Fallanalyse 2026-1", "kind": "learning_together", "trigger": "near_miss",
        "case_status": "closed", "legal_basis": "anonymised", "child_age_band": "3-5",
        "child_sex": "not_stated", "known_to_services": "yes",
        "context": "Übergang von der Kita in die Schule."})
    Episode.objects.create(review=r, title="Mitteilung", what_happened="Die Mitteilung lag.",
                           appraisal="Problematisch.")
    Hypothesis.objects.create(review=r, level="team", statement="Die Vertretung war unklar.")
    Recommendation.objects.create(review=r, text="Vertretung regeln.",
                                  addressee="youth_office")
    return r


def test_case_review_material_only_for_seat_holders(qd, world, review):
    with pytest.raises(ValidationError):
        material.case_review_items(project=qd.project, actor=qd.alice, review=review)
    assert material.reviews_in_reach(qd.project, qd.alice) == []
    ReviewMember.objects.create(review=review, team="review", user=qd.alice,
                                role="Institut", organisation_type="other")
    review = CaseReview.objects.get(pk=review.pk)  # the seats are cached on the object
    items = material.case_review_items(project=qd.project, actor=qd.alice, review=review)
    assert {i.source for i in items} == {
        f"casereview:{review.pk}:context", f"casereview:{review.pk}:hypotheses",
        f"casereview:{review.pk}:recommendations",
        f"casereview:{review.pk}:episode-{review.episodes.get().pk}"}
    episode = next(i for i in items if "episode" in i.source)
    assert "Die Mitteilung lag." in episode.text and "Problematisch." in episode.text
    result = material.gather_case_review(actor=qd.alice, project=qd.project, review=review)
    assert result.added == 4
    assert AuditEntry.objects.filter(action="read", object_id=str(review.pk),
                                     actor=qd.alice).exists()  # reading the review is recorded
    document = Document.objects.get(source=f"casereview:{review.pk}:context")
    assert document.case_review == review and document.municipality == world.m1
    assert rules.reads_document(qd.alice, document)
    assert not rules.reads_document(qd.carol, document)  # a coder without a seat


def test_case_review_refused_on_the_page_to_a_non_seat_holder(qd, client_for, review):
    response = client_for("alice").post(reverse("qualitative:material", args=[qd.project.pk]),
                                        {"kind": "case_review", "review": review.pk})
    assert response.status_code == 404
    assert not Document.objects.filter(kind="case_review").exists()


# --- the page ----------------------------------------------------------------------------------
def test_material_page_lists_the_sources_with_counts(qd, client_for, texts, events, incidents):
    material.gather_free_texts(actor=qd.alice, project=qd.project, wave=texts)
    page = client_for("alice").get(reverse("qualitative:material", args=[qd.project.pk]))
    assert page.status_code == 200
    offers = {o.obj.pk: o for o in page.context["waves"]}
    assert (offers[texts.pk].count, offers[texts.pk].present) == (4, 4)
    processes = {o.obj.title: o for o in page.context["processes"]}
    assert processes["QE Landkreis Eins"].count == 3 and processes["QE Landkreis Eins"].present == 0
    assert [o.count for o in page.context["systems"]] == [1]
    html = page.content.decode()
    assert "QE Landkreis Eins" in html and str(texts) in html


def test_gather_on_the_page_says_how_many(qd, client_for, texts):
    client = client_for("alice")
    url = reverse("qualitative:material", args=[qd.project.pk])
    response = client.post(url, {"kind": "free_texts", "wave": texts.pk}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    html = response.content.decode()
    assert "4 documents were added." in html and "0 were in the project already." in html
    again = client.post(url, {"kind": "free_texts", "wave": texts.pk}, follow=True)
    assert "4 were in the project already." in again.content.decode()
    assert Document.objects.filter(project=qd.project, kind="free_text").count() == 5
    assert client.post(url, {"kind": "nonsense"}).status_code == 400
    assert client.post(url, {"kind": "free_texts", "wave": 0}).status_code == 404


# --- uploads -----------------------------------------------------------------------------------
def _docx_bytes():
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading("Gruppendiskussion", level=1)
    doc.add_paragraph("Frau Müller hat angerufen.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Sprecher", "Beitrag"
    table.cell(1, 0).text, table.cell(1, 1).text = "B1", "Wir telefonieren oft."
    doc.add_paragraph("Ende.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
<office:body><office:text>
<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
<text:h text:outline-level="1">Interview</text:h>
<text:p>I:<text:tab/>Wie   war<text:s text:c="2"/>das?</text:p>
<text:list><text:list-item>
<text:p>B: Frau <text:span>Schmidt</text:span> kam<text:line-break/>zu spät.</text:p>
</text:list-item></text:list>
<table:table><table:table-row>
<table:table-cell><text:p>A</text:p></table:table-cell>
<table:table-cell><text:p>B</text:p></table:table-cell>
</table:table-row></table:table>
<text:p><office:annotation><text:p>Kommentar</text:p></office:annotation>Schluss.</text:p>
</office:text></office:body></office:document-content>"""


def _odt_bytes(content=ODT_CONTENT):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def test_extract_txt_docx_and_odt():
    assert extract.text_from_upload(_upload("Interview_1.txt", "Gespräch\r\nzwei".encode())) == (
        "Interview 1", "Gespräch\nzwei")
    assert extract.text_from_upload(_upload("a.txt", "Gespräch".encode("cp1252")))[1] == \
        "Gespräch"
    assert extract.text_from_upload(_upload("a.TXT", b"\xef\xbb\xbfmit BOM"))[1] == "mit BOM"
    title, text = extract.text_from_upload(_upload("Diskussion.docx", _docx_bytes()))
    assert title == "Diskussion"
    assert text == ("Gruppendiskussion\n\nFrau Müller hat angerufen.\n\nSprecher | Beitrag\n\n"
                    "B1 | Wir telefonieren oft.\n\nEnde.")
    assert extract.text_from_upload(_upload("x.odt", _odt_bytes()))[1] == (
        "Interview\n\nI:\tWie war  das?\n\nB: Frau Schmidt kam\nzu spät.\n\nA | B\n\nSchluss.")


@pytest.mark.parametrize(("name", "data"), [
    ("scan.pdf", b"%PDF-1.4 something"),
    ("leer.txt", b"   \n\n  "),
    ("binary.txt", b"\x00\x01\x02abc"),
    ("kaputt.docx", b"this is not a zip"),
    ("kaputt.odt", _odt_bytes("<office:document-content")),
    ("entity.odt", _odt_bytes('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
                              '<office:document-content>&e;</office:document-content>')),
])
def test_extract_refuses_bad_files(name, data):
    with pytest.raises(ValidationError):
        extract.text_from_upload(_upload(name, data))


def test_extract_refuses_large_files_and_zip_bombs():
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        extract.text_from_upload(_upload("gross.txt", b"a" * (extract.MAX_BYTES + 1)))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"\0" * (8 * 1024 * 1024))
    assert len(bomb.getvalue()) < extract.MAX_BYTES
    with pytest.raises(ValidationError, match="unpacks to more"):
        extract.text_from_upload(_upload("bombe.odt", bomb.getvalue()))


@pytest.mark.parametrize(("name", "data"), [
    ("Interview.txt", "Frau Müller hat am 03.04.2015 angerufen.".encode()),
    ("Interview.docx", _docx_bytes()),
    ("Interview.odt", _odt_bytes()),
])
def test_upload_flags_names_and_opens_the_document(qd, world, client_for, name, data):
    url = reverse("qualitative:upload", args=[qd.project.pk])
    response = client_for("alice").post(url, {"file": _upload(name, data),
                                              "municipality": world.m1.pk})
    document = Document.objects.get(project=qd.project, kind="transcript", title="Interview")
    assert response.status_code == 302
    assert response["Location"] == reverse("qualitative:document", args=[document.pk])
    assert any(f["kind"] == "name" for f in document.findings) and not document.cleared
    assert document.municipality == world.m1 and document.added_by == qd.alice


def test_upload_with_a_title_and_a_municipality_project(qd, world, client_for):
    project = services.project_create(actor=world.people["mia"], programme=world.a,
                                      system=qd.system, title="Eins", municipality=world.m1)
    response = client_for("mia").post(reverse("qualitative:upload", args=[project.pk]), {
        "file": _upload("x.txt", b"Wir telefonieren oft mit der Schule."),
        "title": "Gruppendiskussion Kita"})
    assert response.status_code == 302
    document = Document.objects.get(project=project)
    assert document.title == "Gruppendiskussion Kita" and document.cleared
    assert document.municipality == world.m1  # kept to the project's municipality


@pytest.mark.parametrize(("name", "data", "extra"), [
    ("scan.pdf", b"%PDF-1.4", {}),
    ("leer.txt", b"", {}),
    ("kaputt.docx", b"PK\x03\x04 broken", {}),
    ("ok.txt", b"Ein Text.", {"municipality": "other"}),
])
def test_bad_uploads_answer_400_and_store_nothing(qd, world, client_for, name, data, extra):
    before = Document.objects.count()
    if extra.get("municipality") == "other":
        extra = {"municipality": world.mb.pk}  # another programme's municipality
    response = client_for("alice").post(reverse("qualitative:upload", args=[qd.project.pk]),
                                        {"file": _upload(name, data), **extra})
    assert response.status_code == 400
    assert Document.objects.count() == before
    assert response.context["upload_form"].errors
    assert 'aria-invalid="true"' in response.content.decode()  # the error is linked to its field


# --- access ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("carol", 404), ("mia", 404), ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_material_page_per_role(qd, client_for, role, status):
    response = client_for(role).get(reverse("qualitative:material", args=[qd.project.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 302), ("carol", 404), ("mia", 404), ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_upload_per_role(qd, client_for, role, status):
    before = Document.objects.count()
    response = client_for(role).post(reverse("qualitative:upload", args=[qd.project.pk]),
                                     {"file": _upload("t.txt", b"Ein kurzer Text.")})
    assert response.status_code == status
    assert Document.objects.count() == before + (1 if status == 302 else 0)


def test_anonymous_is_sent_to_the_login(qd, client):
    for name in ("qualitative:material", "qualitative:upload"):
        response = client.post(reverse(name, args=[qd.project.pk]))
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("qualitative:material", args=[qd.project.pk])).status_code == 302
