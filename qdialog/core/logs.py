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
