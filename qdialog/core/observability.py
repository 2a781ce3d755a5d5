"""One line and one measurement per request: the request log and the metrics
(docs/operator-guide.md, "Logs and metrics").

`RequestObservationMiddleware` sits first in MIDDLEWARE. It gives the request an id (the load
balancer's `X-Request-ID` when it sends a well-formed one, else a random one) and sends it back in
the response, times the request, counts it in the metrics and – with QDIALOG_REQUEST_LOG on, the
default in production – logs one line to `qdialog.request`:

    {"time": …, "level": "info", "logger": "qdialog.request", "message": "GET surveys:wave 200",
     "request_id": "…", "route": "surveys:wave", "method": "GET", "status": 200,
     "duration_ms": 12.3, "tenant": "p4"}

`tenant` names the programmes (by id) whose data the request was fenced to; the address, the
query string, the client's IP address, its user agent, the person and any cookie are never in a
line. Respondents' and reporters' pages (`/s/…`, `/melden/…`) are not logged at all unless they
fail on the server, and then as route `private` without tenant (qdialog/core/logs.py says why).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings

from . import metrics
from .logs import REQUEST_CONTEXT, is_private

logger = logging.getLogger("qdialog.request")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,80}$")
QUIET_ROUTES = {"livez", "readyz", "healthz", "metrics"}


def _tenant(request) -> str:
    scope = getattr(request, "scope", None)
    programmes = getattr(scope, "programmes_with_any_role", None)
    return ",".join(f"p{pk}" for pk in sorted(programmes)) if programmes else ""


class RequestObservationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        context = {"request_id": request_id}
        token = REQUEST_CONTEXT.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            REQUEST_CONTEXT.reset(token)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = request_id
        metrics.observe(request, response.status_code, seconds)
        if settings.QDIALOG_REQUEST_LOG:
            self._log(request, response.status_code, seconds, request_id)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        context = REQUEST_CONTEXT.get()
        if context is not None:
            context["route"] = metrics.route_of(request)

    def process_exception(self, request, exception):
        metrics.observe_exception(request)

    @staticmethod
    def _log(request, status: int, seconds: float, request_id: str) -> None:
        private = is_private(request.path_info)
        route = metrics.route_of(request)
        if (private or route in QUIET_ROUTES) and status < 500:
            return
        level = logging.ERROR if status >= 500 else logging.INFO
        method = request.method if request.method in metrics.METHODS else "other"
        logger.log(level, "%s %s %s", method, route, status, extra={
            "request_id": request_id, "route": route, "method": method, "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "tenant": "" if private else _tenant(request)})
