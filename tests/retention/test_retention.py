"""Retention: what is due is exported, then deleted or anonymised, with an audit entry; only
institute staff set the periods; other programmes are untouched."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
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
        report, _ = incidents.submit(system=system, code=incidents._new_code(), fields={
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


def test_shredder_exports_then_deletes_only_what_is_due(world, old_and_new):
    from qdialog.casereviews.models import CaseReview
    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys.models import AccessCode, Response

    policy = RetentionPolicy.objects.create(programme=world.a, answers=24, free_texts=12,
                                            case_reviews=24, incident_reports=24,
                                            audit_entries=24, invitation_addresses=12)
    due = services.counts(services.due(policy))
    assert due == {"answers": 1, "free_texts": 0, "case_reviews": 1, "incident_reports": 1,
                   "audit_entries": due["audit_entries"], "invitation_addresses": 1}
    assert due["audit_entries"] > 0
    export = services.shred(policy)
    assert Response.objects.count() == 1 and Response.objects.get().submitted_on == TODAY
    assert CaseReview.objects.count() == 1 and IncidentReport.objects.count() == 1
    assert AccessCode.objects.get().email == ""
    archive = zipfile.ZipFile(io.BytesIO(export.file.read()))
    answers = json.loads(archive.read("answers.json"))
    assert len(answers) == 1 and answers[0]["fields"]["submitted_on"] == OLD.isoformat()
    assert "case_reviews.json" in archive.namelist()
    entry = AuditEntry.objects.get(action="delete", summary__startswith="retention:")
    assert "answers 1" in entry.summary
    assert services.shred(policy) is None  # nothing due any more


def test_free_texts_are_stripped_but_the_answers_stay(world, old_and_new):
    from qdialog.surveys.models import Response

    policy = RetentionPolicy.objects.create(programme=world.a, free_texts=12)
    export = services.shred(policy)
    old = Response.objects.get(submitted_on=OLD)
    assert "short" not in old.answers and old.answers["q1"] == 4
    assert Response.objects.get(submitted_on=TODAY).answers["short"] == "Name der Schule"
    texts = json.loads(zipfile.ZipFile(io.BytesIO(export.file.read())).read("free_texts.json"))
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
]


@pytest.fixture
def export(world, old_and_new):
    policy = RetentionPolicy.objects.create(programme=world.a, answers=24)
    return services.shred(policy)


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
