"""What qdialog's own logs may say about respondents and reporters: nothing that identifies.

The pages of respondents (`/s/…`) and of anonymous reporters (`/melden/…`) are *private
paths*. Requests to them are not logged at all unless they fail with a server error – a line
with its time would be the moment of one answer or report, and on a quiet day the only one –
and a logged error never holds the address of the page (it may carry a survey code or a
reporting key), the client's IP address, its user agent, the referring page or any header or
cookie: only the method, the kind of page, the status and the duration.

* `AccessLogger` is the access log of `qdialog serve` (gunicorn's logger);
* `RedactFilter` sits on every log handler and does the same to Django's own records ("Not
  Found: …", the development server's request lines, errors).

docs/privacy.md says what a reverse proxy in front of qdialog must do for the same paths.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re

PRIVATE_PREFIXES = ("/s/", "/melden/")
_PRIVATE = re.compile(r"(/(?:s|melden)/)[^\s\"'?]*(\?[^\s\"']*)?")


def is_private(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in PRIVATE_PREFIXES)


def redact(text: str) -> str:
    """Every private path in a text shortened to its prefix: `/s/XYZ123/done/?a=1` → `/s/…`."""
    return _PRIVATE.sub(lambda m: m.group(1) + "…", text)


def _status(record) -> int:
    status = getattr(record, "status_code", None)
    if status is None and record.name == "django.server" and len(record.args or ()) >= 2:
        status = record.args[1]
    try:
        return int(status)
    except (TypeError, ValueError):
        return 0


class RedactFilter(logging.Filter):
    """Drops the request records of private paths that did not fail on the server, rewrites
    every other record that mentions a private path, and drops the request it carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") if request is not None else ""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        private = is_private(path) or bool(_PRIVATE.search(message))
        if (private and record.name in ("django.server", "django.request")
                and 0 < _status(record) < 500):
            return False
        if private:
            record.msg, record.args = redact(message), ()
            if request is not None:
                record.request = None  # e-mail handlers would print its headers and cookies
            if getattr(record, "server_time", None) is not None:
                record.server_time = ""
        return True


try:  # gunicorn is only there when qdialog serves itself
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class AccessLogger(_GunicornLogger):
    """gunicorn's logger: a private request is not logged unless it failed on the server, and
    then without address, IP address, user agent, referrer, headers or cookies."""

    def access(self, resp, req, environ, request_time):
        if is_private(environ.get("PATH_INFO", "") or ""):
            status = str(getattr(resp, "status", "") or "").split(" ")[0]
            if not status.isdigit() or int(status) < 500:
                return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "") or ""
        if not is_private(path):
            return atoms
        kept = {key: atoms[key] for key in ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L",
                                            "p") if key in atoms}
        prefix = next(p for p in PRIVATE_PREFIXES if path.startswith(p))
        kept.update({"h": "-", "l": "-", "u": "-", "f": "-", "a": "-", "q": "",
                     "U": prefix + "…",
                     "r": f"{environ.get('REQUEST_METHOD', '-')} {prefix}… "
                          f"{environ.get('SERVER_PROTOCOL', '-')}"})
        return kept


# --- Structured logs --------------------------------------------------------------------------
# With LOG_FORMAT=json (the default in production) every line is one JSON object that log
# collectors (journald, Loki, Elasticsearch, a Rechenzentrum's SIEM) read without parsing rules.
# The fields are fixed: nothing a record happens to carry (a request, its headers, a user) is
# copied into a line unless named here.

REQUEST_CONTEXT: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "qdialog_request_context", default=None)

FIELDS = ("request_id", "route", "method", "status", "duration_ms", "tenant")


class ContextFilter(logging.Filter):
    """Gives every record logged while a request is answered that request's id and route, so
    that an error's traceback and the request's own line can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = REQUEST_CONTEXT.get()
        if context:
            for key in ("request_id", "route"):
                if getattr(record, key, None) is None and key in context:
                    setattr(record, key, context[key])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's
    fields where there are any, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None and value != "":
                line[key] = value
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)
