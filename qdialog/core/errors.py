"""The server-error handler: a lost database connection (a restart, a failover, a locked SQLite
file) answers 503 with Retry-After, so that browsers, proxies and scripts know to send again;
anything else answers 500. Both pages are rendered without touching the database."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("qdialog.errors")

RETRY_AFTER_SECONDS = 5


def database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def server_error(request):
    """handler500: Django calls it while the exception is being handled."""
    exception = sys.exc_info()[1]
    context = {"site_name": settings.QDIALOG_SITE_NAME}
    if database_unavailable(exception):
        logger.warning("database unavailable: %s", exception.__class__.__name__)
        body = loader.get_template("503.html").render(context)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
