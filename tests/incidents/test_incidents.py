"""Anonymous incident and near-miss reports: the public form, follow-up codes, triage,
publication, statistics, and who may see what."""

from collections import Counter

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.incidents import selectors, services
from qdialog.incidents.models import IncidentReport, IncidentStatus, ReportingSystem
from tests.conftest import ROLES
from tests.processes.test_processes import expect

FIELDS = {"professional_group": "school", "phase": "referral", "child_age_band": "6-9",
          "what_happened": "Die Mitteilung der Schule blieb zwei Wochen im Postfach liegen.",
          "outcome": "Der Hausbesuch fand verspätet statt.",
          "what_helped": "Eine Vertretungsregel für das Funktionspostfach.",
          "harm": "potential", "frequency": "sometimes", "consent_to_publish": True}


@pytest.fixture
def system(world):
    return services.system_create(actor=world.people["mia"], programme=world.a,
                                  municipality=world.m1)


def file_report(system, code=None, **overrides):
    code = code or services._new_code()
    report, _ = services.report_submit(system=system, fields={**FIELDS, **overrides}, code=code)
    return report, code


@pytest.fixture
def received(system):
    return file_report(system)[0]


@pytest.fixture
def published(world, system):
    report, _ = file_report(system)
    services.triage_save(actor=None, report=report, fields={
        "category": "information", "expert_comment": "Vertretung für Postfächer regeln."})
    services.finish_check(actor=None, report=report)
    services.report_publish(actor=None, report=report, title="Mitteilung bleibt liegen",
                     text="Eine Mitteilung blieb im Postfach liegen.", featured=True)
    return report


def anon():
    return Client(headers={"Accept-Language": "en"})


def post_form(client, system, **overrides):
    page = client.get(reverse("incidents:report", args=[system.key]))
    code = page.context["form"]["code"].value()
    data = {**FIELDS, "code": code, **overrides}
    data = {k: v for k, v in data.items() if v is not False}
    return client.post(reverse("incidents:report", args=[system.key]), data), code


MEMBERS = {"alice", "carol", "mia", "paul"}
CASES = [
    ("municipality", lambda w, s, r, p: reverse("incidents:municipality", args=[w.m1.pk]),
     expect(MEMBERS)),
    ("programme", lambda w, s, r, p: reverse("incidents:programme", args=["alpha"]),
     expect(MEMBERS | {"oscar"})),
    ("settings", lambda w, s, r, p: reverse("incidents:settings", args=[s.pk]),
     expect({"alice", "mia"})),
    ("queue", lambda w, s, r, p: reverse("incidents:queue", args=[s.pk]), expect({"mia"})),
    ("detail", lambda w, s, r, p: reverse("incidents:detail", args=[r.pk]), expect({"mia"})),
    ("detail_published", lambda w, s, r, p: reverse("incidents:detail", args=[p.pk]),
     expect(MEMBERS)),
]
PUBLIC = {"report", "followup"}
POST_ONLY = {"municipality_create", "programme_create", "triage", "check", "publish"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, system, received, published, role, name, url, expected):
    response = client_for(role).get(url(world, system, received, published))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_url_has_an_access_case():
    from qdialog.incidents.urls import urlpatterns

    covered = {c[0] for c in CASES} | PUBLIC | POST_ONLY | {"detail"}
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_reviewers_post(client_for, world, received, role):
    client = client_for(role)
    for name, data in [("triage", {"category": "other", "expert_comment": "x"}),
                       ("check", {"action": "checked"}),
                       ("publish", {"title": "x", "text": "y"})]:
        assert client.post(reverse(f"incidents:{name}", args=[received.pk]), data) \
            .status_code in (302, 404)
    received.refresh_from_db()
    assert received.status == IncidentStatus.RECEIVED and not received.expert_comment


@pytest.mark.parametrize("role,status", [("carol", 404), ("paul", 404), ("oscar", 404),
                                         ("alice", 302), ("mia", 302)])
def test_who_sets_up_a_reporting_system(client_for, world, role, status):
    response = client_for(role).post(reverse("incidents:municipality_create", args=[world.m1.pk]))
    assert response.status_code == status
    assert ReportingSystem.objects.filter(municipality=world.m1).exists() == (status == 302)


def test_programme_system_by_institute_staff(client_for, world):
    assert client_for("mia").post(reverse("incidents:programme_create", args=["alpha"])) \
        .status_code == 404
    assert client_for("alice").post(reverse("incidents:programme_create", args=["alpha"])) \
        .status_code == 302
    system = ReportingSystem.objects.get(programme=world.a, municipality__isnull=True)
    assert list(system.reviewers.all()) == [world.people["alice"]]
    assert client_for("oscar").get(reverse("incidents:programme", args=["alpha"])) \
        .status_code == 200
    assert client_for("oscar").get(reverse("incidents:queue", args=[system.pk])) \
        .status_code == 404


# --- the public form ---------------------------------------------------------------------------

def test_report_is_stored_once_even_when_the_post_is_retried(world, system):
    client = anon()
    first, code = post_form(client, system)
    assert first.status_code == 200 and code is not None
    shown = first.context["code"]
    assert shown in first.content.decode()
    page = client.get(reverse("incidents:report", args=[system.key]))
    data = {**FIELDS, "code": page.context["form"]["code"].value()}
    again = client.post(reverse("incidents:report", args=[system.key]),
                        {**data, "code": first.wsgi_request.POST["code"]})
    assert again.status_code == 200 and again.context["code"] == shown
    assert not again.context["created"]
    assert IncidentReport.objects.count() == 1


def test_nothing_identifying_is_stored(world, system):
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Bot/1.0 (secret device)")
    response, _ = post_form(client, system)
    code = response.context["code"]
    report = IncidentReport.objects.get()
    stored = " ".join(str(v) for v in report.__dict__.values())
    for secret in ("203.0.113.9", "Bot/1.0", code, services.normalise_code(code)):
        assert secret not in stored
    assert report.code_hash == services.code_hash(code)
    kinds = {f.get_internal_type() for f in IncidentReport._meta.get_fields()
             if hasattr(f, "get_internal_type")}
    assert "DateTimeField" not in kinds and "GenericIPAddressField" not in kinds
    # no audit entry either: its timestamp would tell the time of day of the report
    assert not AuditEntry.objects.filter(content_type__model="incidentreport").exists()


@pytest.mark.parametrize("overrides,message", [
    ({"what_happened": ""}, "This field is required"),
    ({"phase": "nonsense"}, "Select a valid choice"),
    ({"harm": ""}, "This field is required"),
    ({"outcome": "x" * 4001}, "at most 4000 characters"),
    ({"code": "forged"}, "This form has expired"),
])
def test_bad_input_is_refused_and_nothing_stored(world, system, overrides, message):
    response, _ = post_form(anon(), system, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IncidentReport.objects.exists()


def test_honeypot_answers_like_success_and_stores_nothing(world, system):
    response, _ = post_form(anon(), system, website="http://spam.example")
    assert response.status_code == 200 and response.context["code"] is None
    assert not IncidentReport.objects.exists()


def test_identifiers_are_pointed_out_before_sending(world, system):
    text = "Frau Schneider rief an, Tel. 0171 2345678."
    response, code = post_form(anon(), system, what_happened=text)
    assert response.status_code == 400 and not IncidentReport.objects.exists()
    body = response.content.decode()
    assert "Frau Schneider" in body and "0171 2345678" in body
    client = anon()
    response = client.post(reverse("incidents:report", args=[system.key]), {
        **FIELDS, "what_happened": text, "code": response.wsgi_request.POST["code"],
        "confirm_anonymous": "on"})
    assert response.status_code == 200 and IncidentReport.objects.count() == 1


@override_settings(QDIALOG_REPORT_RATE=2)
def test_rate_limit_on_new_reports(world, system):
    from django.core.cache import cache

    cache.clear()
    client = anon()
    first, _ = post_form(client, system)
    post_form(client, system)
    third, _ = post_form(client, system)
    assert third.status_code == 429 and IncidentReport.objects.count() == 2
    retry = client.post(reverse("incidents:report", args=[system.key]),
                        {**FIELDS, "code": first.wsgi_request.POST["code"]})
    assert retry.status_code == 200  # a retried post of a stored report is still acknowledged
    cache.clear()


def test_paused_system_takes_no_reports(world, system):
    client = anon()
    page = client.get(reverse("incidents:report", args=[system.key]))
    code = page.context["form"]["code"].value()
    system.is_open = False
    system.save()
    assert "not accepting reports" in client.get(
        reverse("incidents:report", args=[system.key])).content.decode()
    response = client.post(reverse("incidents:report", args=[system.key]), {**FIELDS,
                                                                            "code": code})
    assert response.status_code == 410 and not IncidentReport.objects.exists()


def test_unknown_system_is_404(world):
    assert anon().get(reverse("incidents:report", args=["nope"])).status_code == 404


# --- follow-up ---------------------------------------------------------------------------------

def test_reporter_reads_the_answer_with_the_code(world, system):
    report, code = file_report(system)
    url = reverse("incidents:followup", args=[system.key])
    client = anon()
    wrong = client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 400 and "No report was found" in wrong.content.decode()
    assert client.post(url, {"code": ""}).status_code == 400
    waiting = client.post(url, {"code": code.lower().replace("-", " ")})
    assert waiting.status_code == 200 and "no answer yet" in waiting.content.decode()
    services.triage_save(actor=None, report=report, fields={
        "category": "information", "expert_comment": "Danke – wir regeln die Vertretung."})
    assert "no answer yet" in client.post(url, {"code": code}).content.decode()  # not checked
    services.finish_check(actor=None, report=report)
    answer = client.post(url, {"code": code}).content.decode()
    assert "Danke – wir regeln die Vertretung." in answer


def test_followup_attempts_are_rate_limited(world, system):
    from django.core.cache import cache

    cache.clear()
    url = reverse("incidents:followup", args=[system.key])
    client = anon()
    with override_settings(QDIALOG_REPORT_RATE=1):
        statuses = [client.post(url, {"code": "AAAA"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    cache.clear()


def test_codes_from_another_system_do_not_match(world, system):
    _, code = file_report(system)
    other = services.system_create(actor=None, programme=world.a, municipality=world.m2)
    response = anon().post(reverse("incidents:followup", args=[other.key]), {"code": code})
    assert response.status_code == 400


# --- triage and publication ----------------------------------------------------------------------

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


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_report_store_it_once(world):
    """The same post arrives six times at once (a client retrying): one report, six thanks."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is not shared between threads")
    system = services.system_create(actor=None, programme=world.a, municipality=world.m1)
    signed = services.form_code()
    url = reverse("incidents:report", args=[system.key])
    results = []

    def post():
        response = anon().post(url, {**FIELDS, "code": signed})
        results.append((response.status_code, response.context["code"]))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in results] == [200] * 6
    assert len({code for _, code in results}) == 1
    assert IncidentReport.objects.count() == 1


def test_numbers_come_with_the_check_not_with_the_arrival(world):
    """A counted id or number given on arrival would keep the order (and, with a log of the
    moments, the time) of each report; numbers are given as the reviewers finish checks."""
    from qdialog.incidents import services
    from qdialog.incidents.models import IncidentReport

    system = services.system_create(actor=None, programme=world.a, municipality=world.m1)
    fields = {"professional_group": "school", "phase": "referral", "child_age_band": "6-9",
              "harm": "potential", "frequency": "sometimes", "what_happened": "Etwas.",
              "outcome": "Nichts.", "what_helped": ""}
    reports = [services.report_submit(system=system, fields=fields,
                               code=services.read_form_code(services.form_code()))[0]
               for _ in range(3)]
    assert all(r.number is None for r in reports)
    assert str(reports[0]).startswith(("New report of", "Neue Meldung vom"))
    assert len({r.pk for r in reports}) == 3 and min(r.pk for r in reports) > 10**6
    for report in (reports[2], reports[0]):
        report.refresh_from_db()
        report.category = "information"
        report.save()
        services.finish_check(actor=None, report=report)
    numbers = dict(IncidentReport.objects.values_list("pk", "number"))
    assert numbers[reports[2].pk] == 1 and numbers[reports[0].pk] == 2
    assert numbers[reports[1].pk] is None
