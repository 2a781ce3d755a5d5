"""Standards drafted together: access per role, versions, comments and amendments by paragraph,
consent with its spread and minority, status with adoption, transfer, indicators beside the
survey results, and the quality concept as PDF and Word."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.standards import selectors, services
from qdialog.standards.models import Amendment, Standard, Version
from tests.analysis.test_results import wave  # noqa: F401 - fixture
from tests.conftest import ROLES
from tests.processes.test_processes import expect

TEXT = ("Jede Mitteilung wird innerhalb eines Arbeitstags gesichtet.\n\n"
        "Die mitteilende Stelle erhält binnen einer Woche eine Rückmeldung.")
FIELDS = {"kind": "standard", "title": "Rückmeldung an Mitteilende", "area": "referral",
          "level": "organisation", "challenge": "Mitteilende erfahren oft nichts.",
          "typical_errors": "Keine Rückmeldung.", "text": TEXT, "process_design": "",
          "shared": False}


@pytest.fixture
def standard(world):
    return services.standard_create(actor=world.people["mia"], municipality=world.m1,
                                    fields=FIELDS)


def adopt(standard, actor=None):
    services.set_status(actor=actor, standard=standard, status="consultation")
    services.set_status(actor=actor, standard=standard, status="agreed")
    services.set_status(actor=actor, standard=standard, status="adopted",
                        adopted_by="Jugendhilfeausschuss", adopted_on=dt.date(2026, 10, 1))


MEMBERS = {"alice", "carol", "mia", "paul"}
CASES = [
    ("catalogue", lambda w, s: reverse("standards:catalogue", args=[w.m1.pk]), expect(MEMBERS)),
    ("create", lambda w, s: reverse("standards:create", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("concept", lambda w, s: reverse("standards:concept", args=[w.m1.pk]), expect(MEMBERS)),
    ("concept_pdf", lambda w, s: reverse("standards:concept_pdf", args=[w.m1.pk]),
     expect(MEMBERS)),
    ("concept_docx", lambda w, s: reverse("standards:concept_docx", args=[w.m1.pk]),
     expect(MEMBERS)),
    ("detail", lambda w, s: reverse("standards:detail", args=[s.pk]), expect(MEMBERS)),
    ("edit", lambda w, s: reverse("standards:edit", args=[s.pk]), expect({"alice", "mia"})),
    ("version", lambda w, s: reverse("standards:version", args=[s.pk, 1]), expect(MEMBERS)),
]
POST_ONLY = {"copy", "comment", "amend", "decide", "rate", "status", "indicator_add"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, standard, role, name, url, expected):
    response = client_for(role).get(url(world, standard))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_url_has_an_access_case():
    from qdialog.standards.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "oscar", "zoe"])
def test_outsiders_cannot_take_part(client_for, world, standard, role):
    client = client_for(role)
    client.post(reverse("standards:comment", args=[standard.pk]),
                {"field": "text", "paragraph": 0, "text": "x"})
    client.post(reverse("standards:rate", args=[standard.pk]), {"value": 1})
    assert not standard.comments.exists() and not standard.ratings.exists()


@pytest.mark.parametrize("role", ["carol", "paul"])
def test_only_coordinators_edit_and_decide(client_for, world, standard, role):
    client = client_for(role)
    client.post(reverse("standards:status", args=[standard.pk]), {"status": "consultation"})
    client.post(reverse("standards:edit", args=[standard.pk]), {**FIELDS, "title": "Neu"})
    standard.refresh_from_db()
    assert standard.status == "draft" and standard.title == FIELDS["title"]


def test_create_with_bad_input(client_for, world):
    client = client_for("mia")
    bad = client.post(reverse("standards:create", args=[world.m1.pk]),
                      {**FIELDS, "title": "", "level": "galaxy"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert not Standard.objects.exists()
    ok = client.post(reverse("standards:create", args=[world.m1.pk]), FIELDS)
    assert ok.status_code == 302
    standard = Standard.objects.get()
    assert standard.version == 1 and standard.versions.get().content["text"] == TEXT


def test_drafting_together(client_for, world, standard):
    paul = client_for("paul")
    services.set_status(actor=None, standard=standard, status="consultation")
    assert paul.post(reverse("standards:comment", args=[standard.pk]), {
        "field": "text", "paragraph": 1, "text": "Eine Woche ist zu lang."}).status_code == 302
    bad = paul.post(reverse("standards:comment", args=[standard.pk]),
                    {"field": "text", "paragraph": 7, "text": "x"})
    assert bad.status_code == 400 and "does not exist" in bad.content.decode()
    assert paul.post(reverse("standards:amend", args=[standard.pk]), {
        "field": "text", "paragraph": 1,
        "proposal": "Die mitteilende Stelle erhält binnen drei Arbeitstagen eine Rückmeldung.",
        "reason": "Schulen brauchen es schneller."}).status_code == 302
    same = paul.post(reverse("standards:amend", args=[standard.pk]), {
        "field": "text", "paragraph": 0, "proposal": standard.paragraphs("text")[0]})
    assert same.status_code == 400
    amendment = Amendment.objects.get()
    page = client_for("mia").get(reverse("standards:detail", args=[standard.pk]))
    body = page.content.decode()
    assert '<del class="qd-del">einer Woche</del>' in body
    assert '<ins class="qd-ins">drei Arbeitstagen</ins>' in body
    assert "Eine Woche ist zu lang." in body
    # declining needs a reason; accepting makes a new version with the new wording
    mia = client_for("mia")
    url = reverse("standards:decide", args=[standard.pk, amendment.pk])
    refused = mia.post(url, {"accept": "0", "reason": ""})
    assert refused.status_code == 400 and "Give a reason" in refused.content.decode()
    assert mia.post(url, {"accept": "1", "reason": "Übernommen."}).status_code == 302
    standard.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == "accepted" and amendment.decided_by == world.people["mia"]
    assert "drei Arbeitstagen" in standard.text and standard.version == 2
    version = Version.objects.get(standard=standard, number=2)
    assert version.author == world.people["mia"] and version.note == "amendment accepted"
    diff = mia.get(reverse("standards:version", args=[standard.pk, 2])).content.decode()
    assert "drei Arbeitstagen" in diff and "qd-del" in diff


def test_consent_spread_and_minority(client_for, world, standard):
    services.set_status(actor=None, standard=standard, status="consultation")
    client_for("paul").post(reverse("standards:rate", args=[standard.pk]),
                            {"value": 2, "statement": "Zu wenig Personal dafür."})
    client_for("mia").post(reverse("standards:rate", args=[standard.pk]), {"value": 5})
    client_for("carol").post(reverse("standards:rate", args=[standard.pk]), {"value": 4})
    client_for("paul").post(reverse("standards:rate", args=[standard.pk]),
                            {"value": 1, "statement": "Nicht leistbar."})  # changes, not adds
    bad = client_for("paul").post(reverse("standards:rate", args=[standard.pk]), {"value": 9})
    assert bad.status_code == 400
    consent = selectors.consent(standard)
    assert consent["n"] == 3 and consent["mean"] == round((1 + 5 + 4) / 3, 2)
    import statistics

    assert consent["spread"] == round(statistics.pstdev([1, 5, 4]), 2)
    assert [r.statement for r in consent["minority"]] == ["Nicht leistbar."]
    body = client_for("alice").get(reverse("standards:detail", args=[standard.pk])) \
        .content.decode()
    assert "Nicht leistbar." in body and "Minority positions" in body


def test_status_flow_and_adoption(client_for, world, standard):
    from django.utils import timezone

    from qdialog.processes import services as process_services

    process = process_services.process_create(actor=None, municipality=world.m1,
                                              fields={"title": "QE"})
    start = timezone.now()
    event = process_services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "3. QE-Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=5)})
    mia = client_for("mia")
    url = reverse("standards:status", args=[standard.pk])
    jump = mia.post(url, {"status": "adopted"})
    assert jump.status_code == 400
    mia.post(url, {"status": "consultation"})
    mia.post(url, {"status": "agreed", "event": event.pk})
    assert Version.objects.get(standard=standard, number=1).event == event
    missing = mia.post(url, {"status": "adopted"})
    assert missing.status_code == 400 and "Name the body" in missing.content.decode()
    mia.post(url, {"status": "adopted", "adopted_by": "Jugendhilfeausschuss",
                   "adopted_on": "2026-10-01"})
    standard.refresh_from_db()
    assert standard.status == "adopted" and standard.adopted_by == "Jugendhilfeausschuss"
    closed = client_for("paul").post(reverse("standards:comment", args=[standard.pk]),
                                     {"field": "text", "paragraph": 0, "text": "Spät"})
    assert closed.status_code == 400 and not standard.comments.exists()
    assert "Comments and amendments are closed" in closed.content.decode()
    assert "Spät" in closed.content.decode()  # what was typed is still there
    assert AuditEntry.objects.filter(content_type__model="standard", action="update").count() >= 3


def test_transfer_keeps_the_origin(client_for, world, standard):
    standard.shared = True
    standard.save()
    services.indicator_add(actor=None, standard=standard,
                           fields={"text": "Rückmeldequote", "item_codes": ""})
    page = client_for("alice").get(reverse("standards:catalogue", args=[world.m2.pk]))
    assert standard.title in page.content.decode()
    response = client_for("alice").post(reverse("standards:copy",
                                                args=[world.m2.pk, standard.pk]))
    assert response.status_code == 302
    copy = Standard.objects.get(municipality=world.m2)
    assert copy.origin == standard and world.m1.name in copy.origin_label
    assert copy.status == "draft" and copy.indicators.count() == 1
    # a document not shared, or from another programme, cannot be copied
    standard.shared = False
    standard.save()
    assert client_for("alice").post(reverse("standards:copy", args=[world.m2.pk, standard.pk])) \
        .status_code == 404
    assert client_for("oscar").post(reverse("standards:copy", args=[world.m3.pk, standard.pk])) \
        .status_code == 404


def test_indicator_beside_latest_results(client_for, world, standard, wave):  # noqa: F811
    from tests.analysis.test_results import close, store

    assert selectors.indicator_results(standard)["wave"] is None  # no items named yet
    services.indicator_add(actor=None, standard=standard,
                           fields={"text": "Zusammenarbeit gelingt", "item_codes": "q1"})
    values = [4, 3, 5, 4, 2, 4, 3]
    for i, value in enumerate(values):
        store(wave, world.m1, 1 + i % 2, value)
    for _ in range(6):
        store(wave, world.m2, 1, 1)  # another municipality's answers do not count
    assert selectors.indicator_results(standard)["wave"] is None  # open: no results yet
    close(wave)
    result = selectors.indicator_results(standard)
    assert result["wave"] == wave
    figures = result["items"]["q1"]
    assert figures["shown"] and figures["n"] == len(values)
    assert figures["mean"] == round(sum(values) / len(values), 2)
    body = " ".join(client_for("paul").get(reverse("standards:detail", args=[standard.pk]))
                    .content.decode().split())
    assert "Zusammenarbeit gelingt" in body and f"n = {len(values)}" in body
    # a municipality with fewer answers than the minimum sees nothing
    small = services.standard_create(actor=None, municipality=world.m3, fields=FIELDS)
    services.indicator_add(actor=None, standard=small, fields={"text": "x", "item_codes": "q1"})
    assert not selectors.indicator_results(small)["items"]["q1"]["shown"]


def test_concept_documents(client_for, world, standard):
    other = services.standard_create(actor=None, municipality=world.m1, fields={
        **FIELDS, "kind": "procedure", "title": "Verfahren nach § 8a", "level": ""})
    draft = services.standard_create(actor=None, municipality=world.m1, fields={
        **FIELDS, "title": "Nur ein Entwurf"})
    adopt(standard)
    adopt(other)
    mia = client_for("mia")
    saved = mia.post(reverse("standards:concept", args=[world.m1.pk]), {
        "title": "Qualitätskonzept Kinderschutz Landkreis Eins",
        "introduction": "Dieses Konzept bündelt unsere Vereinbarungen."})
    assert saved.status_code == 302
    assert client_for("paul").post(reverse("standards:concept", args=[world.m1.pk]), {
        "title": "x"}).status_code == 404
    pdf = mia.get(reverse("standards:concept_pdf", args=[world.m1.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = mia.get(reverse("standards:concept_docx", args=[world.m1.pk]))
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "TOC \\o" in xml and "Verfahren nach § 8a" in xml
    assert standard.title in xml and draft.title not in xml
    assert "Dieses Konzept bündelt" in xml


def test_query_counts(client_for, world, standard, django_assert_max_num_queries):
    for i in range(8):
        services.standard_create(actor=None, municipality=world.m1,
                                 fields={**FIELDS, "title": f"S{i}"})
        services.comment_add(actor=None, standard=standard, field="text", paragraph=0,
                             text=f"K{i}")
    client = client_for("mia")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("standards:catalogue", args=[world.m1.pk])) \
            .status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(reverse("standards:detail", args=[standard.pk])).status_code == 200


def test_standard_becomes_an_action(client_for, world, standard):
    response = client_for("mia").post(reverse("actions:create", args=[world.m1.pk]), {
        "standard": standard.pk, "title": "Standard einführen", "priority": "high",
        "status": "planned"})
    assert response.status_code == 302
    assert standard.actions.get().origin == "standard"
    assert "Standard einführen" in client_for("paul").get(
        reverse("standards:detail", args=[standard.pk])).content.decode()


def test_drafting_is_decided_by_role_and_state_in_one_rule(client_for, world, standard):
    """"standards.draft" combines who may take part with the document's state; the page's
    drafting tools follow the same rule."""
    import rules

    paul, oscar = world.people["paul"], world.people["oscar"]
    assert rules.test_rule("standards.draft", paul, standard)
    assert not rules.test_rule("standards.draft", oscar, standard)  # another municipality
    page = client_for("paul").get(reverse("standards:detail", args=[standard.pk]))
    assert "Comment or propose a wording" in page.content.decode()
    services.set_status(actor=None, standard=standard, status="consultation")
    services.set_status(actor=None, standard=standard, status="agreed")
    assert not rules.test_rule("standards.draft", paul, standard)
    page = client_for("paul").get(reverse("standards:detail", args=[standard.pk]))
    assert "Comment or propose a wording" not in page.content.decode()


def test_indicators_are_picked_from_the_instrument_not_typed(client_for, world, standard,
                                                             wave):  # noqa: F811
    """The form lists the rating questions of the municipality's instruments by dimension; a
    question or a whole dimension is ticked, a made-up code is refused with the input kept."""
    from qdialog.standards.models import Indicator

    mia = client_for("mia")
    url = reverse("standards:detail", args=[standard.pk])
    page = mia.get(url).content.decode()
    picker = page.split('id="indicator-items"')[1].split("</form>")[0]
    assert 'value="q1"' in picker and 'value="q2"' in picker and 'value="grid"' in picker
    assert 'value="short"' not in picker and 'value="topics"' not in picker  # no scale
    assert 'name="dimensions" value="d"' in " ".join(picker.split())
    add = reverse("standards:indicator_add", args=[standard.pk])
    refused = mia.post(add, {"text": "Zusammenarbeit gelingt", "items": ["q1", "erfunden"]})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "erfunden is not a question of this municipality" in body
    assert 'value="Zusammenarbeit gelingt"' in body  # what was typed is kept
    assert 'id="ind-q1" checked' in body
    assert not Indicator.objects.exists()
    saved = mia.post(add, {"text": "Zusammenarbeit gelingt", "items": ["grid"],
                           "dimensions": ["d"]})
    assert saved.status_code == 302
    assert [m.message for m in saved.wsgi_request._messages] == ["The indicator was added."]
    assert Indicator.objects.get().codes == ["grid", "q1", "q2"]
    # the service refuses an unknown code from any caller
    with pytest.raises(ValidationError, match="erfunden"):
        services.indicator_add(actor=None, standard=standard,
                               fields={"text": "x", "item_codes": "q1, erfunden"})
    # other roles cannot add; anonymous is sent to log in
    assert client_for("paul").post(add, {"text": "x", "items": ["q1"]}).status_code == 404
    assert client_for("anon").post(add, {"text": "x"}).status_code == 302
    assert Indicator.objects.count() == 1


def test_indicator_search_narrows_the_list_and_keeps_what_was_ticked(client_for, world,
                                                                     standard, wave):  # noqa: F811
    url = reverse("standards:detail", args=[standard.pk])
    mia = client_for("mia")
    found = mia.get(url, {"q": "raster", "items": ["q1"]}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    body = found.content.decode()
    assert "<html" not in body  # a fragment
    assert 'value="grid"' in body and 'value="q2"' not in body
    assert 'id="ind-chosen-q1" checked' in body  # ticked before, still ticked
    nothing = mia.get(url, {"q": "gibt es nicht"}, headers={"HX-Request": "true"})
    assert "No question matches" in nothing.content.decode()
    # only those who may add indicators can search
    assert client_for("paul").get(url, {"q": "x"}, headers={"HX-Request": "true"}) \
        .status_code == 404
