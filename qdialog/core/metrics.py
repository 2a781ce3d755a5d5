"""What an operator's monitoring may read: request counts and latencies by route, the task queue.

The figures are Prometheus metrics (prometheus_client). Under `qdialog serve` every gunicorn worker
writes its counters to files in one directory (prometheus_client's multiprocess mode, set up by
`qdialog.core.gunicorn_conf`), and `/metrics` adds them up, so a scrape sees the whole node
whichever worker answers it. Elsewhere (the development server, tests) the figures live in the
process.

What the figures must never tell (docs/privacy.md): no label carries a tenant, a person, a code
or an address. Every request to a respondent's or reporter's page – questionnaire, answer,
report, follow-up – is counted under the one route `private`, whatever the survey or reporting
system, so a scrape shows at most that *somebody* somewhere in the installation answered or
reported in those seconds, never in which survey, programme or municipality.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os

from django.conf import settings
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from .logs import is_private

# request latencies: most pages take 5–50 ms, reports and exports seconds
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter("qdialog_http_requests", "HTTP requests answered, by route, method and "
                   "status class", ["route", "method", "status"])
LATENCY = Histogram("qdialog_http_request_duration_seconds", "Time from the request reaching "
                    "qdialog to its response, by route", ["route"], buckets=BUCKETS)
EXCEPTIONS = Counter("qdialog_http_exceptions", "Requests that ended in an unhandled exception",
                     ["route"])

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request) -> str:
    """The label of a request: its URL pattern's name, `private` for every respondent's and
    reporter's page, `unmatched` for addresses that match no pattern."""
    if is_private(request.path_info):
        return "private"
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def observe(request, status: int, seconds: float) -> None:
    route = route_of(request)
    method = request.method if request.method in METHODS else "other"
    if route == "private":
        method = "any"  # GET and POST apart would count answers against visits
    REQUESTS.labels(route, method, f"{status // 100}xx").inc()
    LATENCY.labels(route).observe(seconds)


def observe_exception(request) -> None:
    EXCEPTIONS.labels(route_of(request)).inc()


class TaskQueueCollector:
    """The task queue as the database holds it, read at each scrape: tasks waiting, the age of
    the oldest waiting one, tasks running, and failed tasks (kept until they are cleaned up)."""

    def collect(self):
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        rows = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id"))
                    .values_list("status", "n"))
        oldest = (DBTaskResult.objects.filter(status="READY", run_after__lte=now)
                  .aggregate(first=Min("enqueued_at"))["first"])
        waiting = GaugeMetricFamily("qdialog_tasks", "Background tasks by state",
                                    labels=["state"])
        for state in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
            waiting.add_metric([state.lower()], rows.get(state, 0))
        yield waiting
        age = (now - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("qdialog_tasks_oldest_waiting_seconds",
                                "Age of the oldest task that is due and not yet taken", value=age)
        day_ago = now - dt.timedelta(days=1)
        failed = DBTaskResult.objects.filter(status="FAILED", finished_at__gte=day_ago).count()
        yield GaugeMetricFamily("qdialog_tasks_failed_last_day",
                                "Tasks that failed in the last 24 hours", value=failed)


def exposition() -> tuple[bytes, str]:
    """The metrics of this node (all its workers) and of the task queue, as Prometheus text."""
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry)
    tasks = CollectorRegistry(auto_describe=False)
    tasks.register(TaskQueueCollector())
    return body + generate_latest(tasks), CONTENT_TYPE_LATEST


def authorised(request) -> bool:
    """Operators' monitoring presents `Authorization: Bearer <QDIALOG_METRICS_TOKEN>`; a logged-in
    operator (superuser) may look in the browser. Without a token set, only the operator."""
    token = settings.QDIALOG_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_superuser)
