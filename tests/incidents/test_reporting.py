"""The reporter's side: the anonymous form, its protections, follow-up codes, and storing
each report once."""


import pytest
from django.test import Client, override_settings
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.incidents import services
from qdialog.incidents.models import IncidentReport
from tests.incidents.support import FIELDS, anon, file_report, post_form


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


def test_report_numbers_count_per_municipality(world):
    """Found by a walk: „Nr. 31“ in a municipality with 11 reports. Each reporting system
    numbers its own reports from 1."""
    from qdialog.incidents import services
    from tests.incidents.support import file_report

    first = services.system_create(actor=None, programme=world.a, municipality=world.m1)
    second = services.system_create(actor=None, programme=world.a, municipality=world.m2)
    for system, count in ((first, 4), (second, 2)):
        for _ in range(count):
            report, _code = file_report(system)
            services.triage_save(actor=None, report=report, fields={"category": "information"})
            services.finish_check(actor=None, report=report)
    assert sorted(second.reports.values_list("number", flat=True)) == [1, 2]
    assert sorted(first.reports.values_list("number", flat=True)) == [1, 2, 3, 4]
