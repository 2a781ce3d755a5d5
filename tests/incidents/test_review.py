"""The reviewers' side: triage, the anonymity check, publication, statistics and settings."""

from collections import Counter

import pytest
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.incidents import selectors, services
from qdialog.incidents.models import IncidentReport, IncidentStatus
from tests.incidents.support import FIELDS, anon, file_report


def test_triage_walk(client_for, world, system, received):
    client = client_for("mia")
    url = reverse("incidents:detail", args=[received.pk])
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="read", object_id=str(received.pk)).count() == 1
    response = client.post(reverse("incidents:triage", args=[received.pk]), {
        **{k: FIELDS[k] for k in ("what_happened", "outcome", "what_helped")},
        "what_happened": "Eine Mitteilung blieb liegen.", "category": "",
        "expert_comment": ""})
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.what_happened == "Eine Mitteilung blieb liegen."
    assert received.original["what_happened"] == FIELDS["what_happened"]
    refused = client.post(reverse("incidents:check", args=[received.pk]), {"action": "checked"})
    assert refused.status_code == 400 and "Choose a category" in refused.content.decode()
    client.post(reverse("incidents:triage", args=[received.pk]), {
        "what_happened": "Eine Mitteilung blieb liegen.", "outcome": "Verspätet.",
        "what_helped": "", "category": "information", "expert_comment": "Kommentar."})
    assert client.post(reverse("incidents:check", args=[received.pk]),
                       {"action": "checked"}).status_code == 302
    received.refresh_from_db()
    assert received.status == IncidentStatus.CHECKED and received.original == {}
    assert received.answered_on is not None
    log = " ".join(str(e.changes) + e.summary for e in AuditEntry.objects.all())
    assert "Postfach" not in log and "Verspätet" not in log  # texts never enter the audit log
    # once checked, the wording is final
    client.post(reverse("incidents:triage", args=[received.pk]), {
        "what_happened": "Geändert", "category": "information", "expert_comment": "Kommentar."})
    received.refresh_from_db()
    assert received.what_happened == "Eine Mitteilung blieb liegen."


def test_publication_rules(client_for, world, system, received):
    client = client_for("mia")
    url = reverse("incidents:publish", args=[received.pk])
    data = {"title": "Liegen gebliebene Mitteilung", "text": "Eine Mitteilung blieb liegen."}
    early = client.post(url, data)
    assert early.status_code == 400 and "Check the report for anonymity" in early.content.decode()
    services.triage_save(actor=None, report=received, fields={"category": "information",
                                                              "expert_comment": "K."})
    services.finish_check(actor=None, report=received)
    risky = client.post(url, {**data, "text": "Familie Yilmaz meldete sich."})
    assert risky.status_code == 400 and "Familie Yilmaz" in risky.content.decode()
    assert client.post(url, data).status_code == 302
    received.refresh_from_db()
    assert received.status == IncidentStatus.PUBLISHED and received.published_on
    assert AuditEntry.objects.filter(action="publish").count() == 1


def test_no_publication_without_consent(world, system):
    from django.core.exceptions import ValidationError

    report, _ = file_report(system, consent_to_publish=False)
    services.triage_save(actor=None, report=report, fields={"category": "other",
                                                            "expert_comment": "K."})
    services.finish_check(actor=None, report=report)
    with pytest.raises(ValidationError):
        services.report_publish(actor=None, report=report, title="T", text="X", featured=False)


def test_only_one_case_of_the_month(world, system, published):
    other, _ = file_report(system)
    services.triage_save(actor=None, report=other, fields={"category": "tools",
                                                           "expert_comment": "K."})
    services.finish_check(actor=None, report=other)
    services.report_publish(actor=None, report=other, title="Neu", text="Neu.", featured=True)
    published.refresh_from_db()
    assert not published.featured and IncidentReport.objects.filter(featured=True).count() == 1


def test_closing_deletes_the_original(world, system, received):
    services.report_close(actor=None, report=received)
    received.refresh_from_db()
    assert received.status == IncidentStatus.CLOSED and received.original == {}


def test_reviewer_without_a_role_loses_access(client_for, world, system, received):
    world.memberships["mia"].delete()
    assert client_for("mia").get(reverse("incidents:detail", args=[received.pk])) \
        .status_code == 404


def test_members_see_published_reports_and_statistics(client_for, world, system, received,
                                                      published):
    body = client_for("paul").get(reverse("incidents:municipality", args=[world.m1.pk])) \
        .content.decode()
    assert "Mitteilung bleibt liegen" in body and "Case of the month" in body
    assert system.key in body  # everyone can pass the form's address on
    assert "Review reports" not in body  # paul is no reviewer
    page = client_for("paul").get(reverse("incidents:detail", args=[published.pk]))
    assert "Vertretung für Postfächer regeln." in page.content.decode()
    assert "zwei Wochen im Postfach" not in page.content.decode()  # only the edited version


def test_statistics_match_an_independent_count(world, system):
    import random

    rng = random.Random(7)
    categories = ["information", "assessment", "tools", "cooperation"]
    phases = ["referral", "handover", "help_planning"]
    expected_cat, expected_phase = Counter(), Counter()
    for i in range(25):
        report, _ = file_report(system, phase=rng.choice(phases))
        if i % 5 == 0:
            continue  # left unchecked: not counted
        category = rng.choice(categories)
        services.triage_save(actor=None, report=report, fields={"category": category})
        services.finish_check(actor=None, report=report)
        expected_cat[category] += 1
        expected_phase[report.phase] += 1
    stats = selectors.statistics(system)
    from qdialog.incidents.models import Category, ReportPhase

    assert stats["total"] == 20
    assert dict(stats["categories"]) == {label: expected_cat[v] for v, label in Category.choices}
    assert dict(stats["phases"]) == {label: expected_phase[v]
                                     for v, label in ReportPhase.choices}


def test_settings_form(client_for, world, system):
    client = client_for("mia")
    url = reverse("incidents:settings", args=[system.pk])
    bad = client.post(url, {"is_open": "on", "statement": "x"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    foreign = client.post(url, {"reviewers": [world.people["zoe"].pk]})
    assert foreign.status_code == 400
    ok = client.post(url, {"reviewers": [world.people["mia"].pk, world.people["paul"].pk],
                           "statement": "Unterzeichnet von der Amtsleitung."})
    assert ok.status_code == 302
    system.refresh_from_db()
    assert not system.is_open
    assert set(system.reviewers.all()) == {world.people["mia"], world.people["paul"]}
    assert AuditEntry.objects.filter(action="update", content_type__model="reportingsystem") \
        .exists()
    form = anon().get(reverse("incidents:report", args=[system.key]))
    assert form.status_code == 200  # paused, but the page tells so


def test_query_counts(client_for, world, system, published, django_assert_max_num_queries):
    for _ in range(10):
        file_report(system)
    client = client_for("mia")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("incidents:municipality", args=[world.m1.pk])) \
            .status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("incidents:queue", args=[system.pk])).status_code == 200
