"""Retention: what is due is exported, then deleted or anonymised, with an audit entry; only
institute staff set the periods; other programmes are untouched."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qdialog.core.models import AuditEntry
from qdialog.retention import services
from qdialog.retention.models import RetentionPolicy, ShredderExport
from tests.conftest import ROLES
from tests.processes.test_processes import expect

TODAY = timezone.localdate()
OLD = TODAY - dt.timedelta(days=800)


@pytest.fixture
def old_and_new(world, settings, tmp_path):
    from qdialog.casereviews import services as reviews
    from qdialog.casereviews.models import CaseReview
    from qdialog.incidents import services as incidents
    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys import services as surveys
    from qdialog.surveys.models import AccessCode, Response
    from tests.casereviews.test_casereviews import BASICS
    from tests.surveys.conftest import SMALL

    settings.MEDIA_ROOT = tmp_path
    instrument = surveys.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = surveys.wave_create(actor=None, instrument=instrument, fields={
        "title": "t0", "municipality": world.m1, "opens_on": OLD,
        "closes_on": TODAY + dt.timedelta(days=5)})
    for submitted in (OLD, TODAY):
        Response.objects.create(wave=wave, municipality=world.m1, submitted_on=submitted,
                                language="de", answers={"q1": 4, "short": "Name der Schule",
                                                        "count": 3})
    AccessCode.objects.create(wave=wave, code="ABCDEFGH", kind="invitation",
                              email="person@example.org")
    system = incidents.system_create(actor=None, programme=world.a, municipality=world.m1)
    for received in (OLD, TODAY):
        report, _ = incidents.report_submit(system=system, code=incidents._new_code(), fields={
            "professional_group": "school", "phase": "referral", "child_age_band": "6-9",
            "what_happened": "x", "outcome": "y", "harm": "none", "frequency": "rare"})
        IncidentReport.objects.filter(pk=report.pk).update(received_on=received)
    for created in (OLD, TODAY):
        review = reviews.review_create(actor=None, municipality=world.m1, fields=BASICS)
        CaseReview.objects.filter(pk=review.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(created, dt.time(12))))
    AuditEntry.objects.filter(programme=world.a).update(
        at=timezone.make_aware(dt.datetime.combine(OLD, dt.time(12))))
    return wave


def _archive(export) -> zipfile.ZipFile:
    export.file.open("rb")
    try:
        return zipfile.ZipFile(io.BytesIO(export.file.read()))
    finally:
        export.file.close()


def test_shredder_exports_then_deletes_only_what_is_due(world, old_and_new):
    from qdialog.casereviews.models import CaseReview
    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys.models import AccessCode, Response

    policy = RetentionPolicy.objects.create(programme=world.a, answers=24, free_texts=12,
                                            case_reviews=24, incident_reports=24,
                                            audit_entries=24, invitation_addresses=12)
    due = services.counts(services.policy_due(policy))
    assert due == {"answers": 1, "free_texts": 0, "case_reviews": 1, "incident_reports": 1,
                   "audit_entries": due["audit_entries"], "invitation_addresses": 1}
    assert due["audit_entries"] > 0
    exports = services.policy_apply(policy)
    assert Response.objects.count() == 1 and Response.objects.get().submitted_on == TODAY
    assert CaseReview.objects.count() == 1 and IncidentReport.objects.count() == 1
    assert AccessCode.objects.get().email == ""
    by_place = {(e.municipality_id, e.kind): e for e in exports}
    assert set(by_place) <= {(world.m1.pk, "data"), (world.m1.pk, "case_reviews"),
                             (None, "data")}
    archive = _archive(by_place[(world.m1.pk, "data")])
    answers = json.loads(archive.read("answers.json"))
    assert len(answers) == 1 and answers[0]["fields"]["submitted_on"] == OLD.isoformat()
    assert "case_reviews.json" not in archive.namelist()
    # the reviews' working material has an archive of its own
    reviews = _archive(by_place[(world.m1.pk, "case_reviews")])
    assert reviews.namelist() == ["case_reviews.json"]
    assert by_place[(world.m1.pk, "data")].expires_on == TODAY + dt.timedelta(days=30)
    # every deleted audit entry is in exactly one export
    exported = sum(e.summary.get("audit_entries", 0) for e in exports)
    assert exported == due["audit_entries"]
    entries = AuditEntry.objects.filter(action="delete", summary__startswith="retention:")
    assert entries.count() == len({e.municipality_id for e in exports})
    assert "answers 1" in entries.get(municipality=world.m1).summary
    assert "case_reviews 1" in entries.get(municipality=world.m1).summary
    assert services.policy_apply(policy) == []  # nothing due any more


def test_each_municipality_gets_only_its_own_data(world, old_and_new):
    """m2's old answers go into m2's export, never into m1's."""
    from qdialog.surveys import services as surveys
    from qdialog.surveys.models import Response
    from tests.surveys.conftest import SMALL

    instrument = surveys.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = surveys.wave_create(actor=None, instrument=instrument, fields={
        "title": "t2", "municipality": world.m2, "opens_on": OLD,
        "closes_on": TODAY + dt.timedelta(days=5)})
    for _ in range(3):
        Response.objects.create(wave=wave, submitted_on=OLD, language="de",
                                answers={"q1": 2, "short": "", "count": 1})
    policy = RetentionPolicy.objects.create(programme=world.a, answers=24)
    due = services.split_by_municipality(services.policy_due(policy))
    assert services.counts(due[world.m2.pk]) == {"answers": 3}
    exports = {e.municipality_id: e for e in services.policy_apply(policy)}
    assert exports[world.m1.pk].summary == {"answers": 1}
    assert exports[world.m2.pk].summary == {"answers": 3}
    m2_answers = json.loads(_archive(exports[world.m2.pk]).read("answers.json"))
    assert {a["fields"]["wave"] for a in m2_answers} == {wave.pk}
    m1_answers = json.loads(_archive(exports[world.m1.pk]).read("answers.json"))
    assert {a["fields"]["wave"] for a in m1_answers} == {old_and_new.pk}


def test_exports_expire_and_are_deleted_with_their_files(world, old_and_new, settings):
    settings.QDIALOG_SHREDDER_EXPORT_DAYS = 10
    policy = RetentionPolicy.objects.create(programme=world.a, answers=24)
    (export,) = services.policy_apply(policy)
    path = Path(export.file.path)
    assert path.exists() and export.expires_on == TODAY + dt.timedelta(days=10)
    assert services.expire_exports(today=TODAY + dt.timedelta(days=10)) == 0  # last day
    assert services.expire_exports(today=TODAY + dt.timedelta(days=11)) == 1
    assert not ShredderExport.objects.exists() and not path.exists()
    assert AuditEntry.objects.filter(summary="retention: 1 expired exports deleted",
                                     programme=world.a).exists()


def test_daily_command_shreds_and_expires(world, old_and_new):
    RetentionPolicy.objects.create(programme=world.a, answers=24)
    stale = ShredderExport.objects.create(programme=world.a, expires_on=TODAY - dt.timedelta(1),
                                          file=ContentFile(b"PK", name="old.zip"))
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    text = out.getvalue()
    assert f"{world.m1}: {{'answers': 1}}" in text
    assert "1 expired export(s) deleted." in text and "Retention applied." in text
    assert not ShredderExport.objects.filter(pk=stale.pk).exists()
    assert ShredderExport.objects.filter(municipality=world.m1).count() == 1


def test_free_texts_are_stripped_but_the_answers_stay(world, old_and_new):
    from qdialog.surveys.models import Response

    policy = RetentionPolicy.objects.create(programme=world.a, free_texts=12)
    (export,) = services.policy_apply(policy)
    old = Response.objects.get(submitted_on=OLD)
    assert "short" not in old.answers and old.answers["q1"] == 4
    assert Response.objects.get(submitted_on=TODAY).answers["short"] == "Name der Schule"
    texts = json.loads(_archive(export).read("free_texts.json"))
    assert texts[0]["texts"] == {"short": "Name der Schule"}


def test_other_programmes_are_untouched(world, old_and_new):
    from qdialog.surveys.models import Response

    RetentionPolicy.objects.create(programme=world.b, answers=1)
    call_command("apply_retention")
    assert Response.objects.count() == 2


def test_months_before():
    assert services.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert services.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
    assert services.months_before(dt.date(2024, 3, 30), 1) == dt.date(2024, 2, 29)


CASES = [
    ("settings", lambda w, e: reverse("retention:settings", args=["alpha"]), expect({"alice"})),
    ("export", lambda w, e: reverse("retention:export", args=["alpha", e.pk]),
     expect({"alice"})),
    ("municipality", lambda w, e: reverse("retention:municipality", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("municipality_export",
     lambda w, e: reverse("retention:municipality_export", args=[w.m1.pk, e.pk]),
     expect({"alice", "mia"})),
]


@pytest.fixture
def export(world, old_and_new):
    policy = RetentionPolicy.objects.create(programme=world.a, answers=24)
    (export,) = services.policy_apply(policy)
    return export


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, export, role, name, url, expected):
    response = client_for(role).get(url(world, export))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == want, role


def test_settings_form(client_for, world, old_and_new):
    client = client_for("alice")
    bad = client.post(reverse("retention:settings", args=["alpha"]), {"answers": "-3"})
    assert bad.status_code == 400
    ok = client.post(reverse("retention:settings", args=["alpha"]),
                     {"answers": "24", "audit_entries": "120"})
    assert ok.status_code == 302
    policy = RetentionPolicy.objects.get(programme=world.a)
    assert (policy.answers, policy.audit_entries, policy.free_texts) == (24, 120, None)
    page = client.get(reverse("retention:settings", args=["alpha"])).content.decode()
    assert "survey answers" in page.lower()
    assert client_for("mia").post(reverse("retention:apply", args=["alpha"])).status_code == 404
    assert client.post(reverse("retention:apply", args=["alpha"])).status_code == 302
    assert ShredderExport.objects.filter(programme=world.a).count() == 1


def test_municipal_page_shows_periods_due_and_own_exports(client_for, world, old_and_new):
    from qdialog.surveys.models import Response

    policy = RetentionPolicy.objects.create(programme=world.a, answers=24, case_reviews=36)
    client = client_for("mia")
    url = reverse("retention:municipality", args=[world.m1.pk])
    page = client.get(url).content.decode()
    assert "24 months" in page and "36 months" in page and "kept (no period set)" in page
    assert "Survey answers: 1" in page  # due now, of m1
    (export,) = services.policy_apply(policy)
    # an export of another municipality is neither listed nor downloadable here
    other = ShredderExport.objects.create(programme=world.a, municipality=world.m3,
                                          file=ContentFile(b"PK", name="m3.zip"))
    page = client.get(url).content.decode()
    assert reverse("retention:municipality_export", args=[world.m1.pk, export.pk]) in page
    assert f"/retention/exports/{other.pk}/" not in page
    assert "Nothing of this municipality" in page
    assert client.get(reverse("retention:municipality_export",
                              args=[world.m1.pk, other.pk])).status_code == 404
    response = client.get(reverse("retention:municipality_export", args=[world.m1.pk, export.pk]))
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == [
        "answers.json"]
    assert AuditEntry.objects.filter(action="export", municipality=world.m1,
                                     summary=f"retention export {export.pk}").exists()
    assert Response.objects.count() == 1


def test_retention_pages_query_count(client_for, world, old_and_new):
    policy = RetentionPolicy.objects.create(programme=world.a, answers=24)
    services.policy_apply(policy)
    # the same number of queries with 1 and with 6 exports listed
    counts = {}
    for role, url in [("mia", reverse("retention:municipality", args=[world.m1.pk])),
                      ("alice", reverse("retention:settings", args=["alpha"]))]:
        client = client_for(role)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for _ in range(5):
            ShredderExport.objects.create(programme=world.a, municipality=world.m1,
                                          file=ContentFile(b"PK", name="x.zip"),
                                          summary={"answers": 1})
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        counts[role] = (len(few), len(many))
        assert len(few) == len(many) <= 25, (role, counts)


def test_case_review_archive_only_for_the_municipalitys_coordinators(client_for, world,
                                                                      old_and_new):
    """A review's working material never leaves the municipality: institute staff see that the
    archive exists, but cannot download it; the municipal coordinator can."""
    policy = RetentionPolicy.objects.create(programme=world.a, case_reviews=24)
    (archive,) = services.policy_apply(policy)
    assert archive.kind == "case_reviews" and archive.municipality == world.m1
    municipal = reverse("retention:municipality_export", args=[world.m1.pk, archive.pk])
    programme = reverse("retention:export", args=["alpha", archive.pk])
    for role in ("alice", "carol", "paul", "oscar", "zoe"):
        assert client_for(role).get(municipal).status_code == 404, role
    assert client_for("alice").get(programme).status_code == 404
    assert client_for("mia").get(municipal).status_code == 200
    listing = client_for("alice").get(reverse("retention:settings", args=["alpha"]))
    html = listing.content.decode()
    assert "only for the municipality" in html and programme not in html
    page = client_for("alice").get(reverse("retention:municipality", args=[world.m1.pk]))
    assert municipal not in page.content.decode()
    assert municipal in client_for("mia").get(
        reverse("retention:municipality", args=[world.m1.pk])).content.decode()


def test_looking_at_the_settings_stores_nothing(client_for, world):
    client = client_for("alice")
    assert client.get(reverse("retention:settings", args=["alpha"])).status_code == 200
    assert not RetentionPolicy.objects.exists()
    assert not AuditEntry.objects.exclude(action="login").exists()
    bad = client.post(reverse("retention:settings", args=["alpha"]), {"answers": "-3"})
    assert bad.status_code == 400 and 'value="-3"' in bad.content.decode()
    assert not RetentionPolicy.objects.exists()
    ok = client.post(reverse("retention:settings", args=["alpha"]), {"answers": "24"})
    assert ok.status_code == 302
    assert RetentionPolicy.objects.get(programme=world.a).answers == 24
    assert AuditEntry.objects.filter(actor=world.people["alice"], action="create").exists()
    assert AuditEntry.objects.filter(actor=world.people["alice"], action="update").exists()
