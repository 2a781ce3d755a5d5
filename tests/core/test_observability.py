"""Logs and metrics an operator can use, and what they must never say (issue 18, item 5)."""

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from qdialog.accounts.models import User
from qdialog.core.logs import JsonFormatter


def test_livez_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "cache": "ok", "migrations": "ok"}}


def test_readyz_is_unavailable_when_the_shared_cache_is_not(client, db, settings):
    # a Redis address where nothing listens: the node must leave the load balancer's pool
    # (pytest-django's settings fixture rebuilds the cache handler, and restores it after)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failed",
                                         "migrations": "ok"}
    assert "127.0.0.1:1" not in response.content.decode()


def test_request_id_is_sent_back_and_a_well_formed_one_kept(client, db):
    own = client.get("/livez")["X-Request-ID"]
    assert len(own) == 32
    assert client.get("/livez", headers={"X-Request-ID": "lb-4f2a9c81e0"})[
        "X-Request-ID"] == "lb-4f2a9c81e0"
    forged = client.get("/livez", headers={"X-Request-ID": "x\nInjected: 1"})["X-Request-ID"]
    assert forged != "x\nInjected: 1" and len(forged) == 32


@pytest.fixture
def request_log(settings, caplog):
    settings.QDIALOG_REQUEST_LOG = True
    caplog.set_level(logging.INFO, logger="qdialog.request")
    return caplog


def test_request_log_line_has_route_status_duration_and_tenant(client_for, world,
                                                               request_log):
    client_for("mia").get(reverse("home"), headers={"X-Request-ID": "req-12345678"})
    record = next(r for r in request_log.records if r.name == "qdialog.request")
    assert (record.route, record.status, record.method) == ("home", 200, "GET")
    assert record.request_id == "req-12345678"
    assert record.tenant == f"p{world.a.pk}"
    assert record.duration_ms >= 0
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message", "request_id", "route", "method",
                         "status", "duration_ms", "tenant"}
    assert line["time"].endswith("Z") and line["level"] == "info"
    text = json.dumps(line)
    for secret in ("mia@example.org", "Mia", "127.0.0.1", "sessionid", "/programme"):
        assert secret not in text


def test_respondent_and_reporter_pages_are_not_logged(client, db, request_log):
    client.get("/s/ABCDEFGH/")
    client.post("/s/ABCDEFGH/", {"x": "1"})
    client.get("/melden/some-system/")
    assert not [r for r in request_log.records if r.name == "qdialog.request"]


def test_a_failing_private_request_is_logged_without_address_or_tenant(rf, request_log):
    from qdialog.core.observability import RequestObservationMiddleware

    request = rf.get("/s/SECRETCODE/?x=1")
    RequestObservationMiddleware._log(request, 500, 0.01, "abcdefgh12")
    record = next(r for r in request_log.records if r.name == "qdialog.request")
    line = JsonFormatter().format(record)
    assert json.loads(line)["route"] == "private" and "tenant" not in json.loads(line)
    assert "SECRETCODE" not in line and "/s/" not in line


def test_health_checks_are_not_logged_while_healthy(client, db, request_log):
    client.get("/livez")
    client.get("/readyz")
    assert not [r for r in request_log.records if r.name == "qdialog.request"]


def test_a_traceback_in_json_names_the_request_but_no_private_path(request_log):
    from qdialog.core.logs import REQUEST_CONTEXT, ContextFilter

    token = REQUEST_CONTEXT.set({"request_id": "rid-00000001", "route": "private"})
    try:
        try:
            raise ValueError("while answering /s/SECRETCODE/")
        except ValueError:
            record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                                       "boom", (), exc_info=__import__("sys").exc_info())
        ContextFilter().filter(record)
    finally:
        REQUEST_CONTEXT.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-00000001" and line["route"] == "private"
    assert "ValueError" in line["exception"] and "SECRETCODE" not in line["exception"]


# --- metrics ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anon", "alice", "mia"])
def test_metrics_do_not_exist_for_anybody_but_operators(client_for, role):
    assert client_for(role).get("/metrics").status_code == 404


def test_metrics_for_the_token_and_for_an_operator(client, db, settings):
    settings.QDIALOG_METRICS_TOKEN = "t" * 40
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 40})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    operator = User.objects.create_superuser(email="op@example.org", password="x" * 12)
    browser = Client()
    browser.force_login(operator)
    assert browser.get("/metrics").status_code == 200


def test_metrics_count_routes_and_lump_every_private_page(client, db, settings):
    settings.QDIALOG_METRICS_TOKEN = "t" * 40
    client.get("/accounts/login/")
    client.get("/s/CODEAAAA/")
    client.post("/s/CODEBBBB/", {})
    body = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 40}).content
    text = body.decode()
    assert 'qdialog_http_requests_total{method="GET",route="account_login",status="2xx"}' in text
    assert 'route="private"' in text and 'method="any"' in text
    assert "CODEAAAA" not in text and "CODEBBBB" not in text and "/s/" not in text
    assert "qdialog_http_request_duration_seconds_bucket" in text
    # no label names a tenant, a person or an address: only these labels exist
    ours = "\n".join(line for line in text.splitlines() if line.startswith("qdialog_"))
    labels = set(re.findall(r'[{,]([a-z_]+)="', ours))
    assert labels <= {"route", "method", "status", "le", "state"}, labels


def test_metrics_show_the_task_queue(client, db, settings):
    from qdialog.reports.tasks import build_report_task  # any registered task

    settings.QDIALOG_METRICS_TOKEN = "t" * 40
    build_report_task.enqueue(report_id=0)
    body = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 40}).content
    text = body.decode()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert 'qdialog_tasks{state="ready"} 1.0' in text
    assert "qdialog_tasks_oldest_waiting_seconds" in text
    assert "qdialog_tasks_failed_last_day 0.0" in text
