import logging

from django.conf import settings
from django.http import Http404

from qdialog.core.scoping import ScopeError, fence

from .scope import scope_for

logger = logging.getLogger("qdialog.scope")


class ScopeMiddleware:
    """Attach `request.scope` for views and templates, and fence every tenant query of the
    request to the programmes the person holds a role in (docs/architecture.md, "The tenant
    fence"). An anonymous request is fenced to no programme at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = scope_for(request.user)
        with fence(request.scope.programmes_with_any_role):
            return self.get_response(request)

    def process_exception(self, request, exception):
        """A query that escaped every fence is a defect: loud in tests and development, a plain
        404 for the person in production (nothing about the object is shown)."""
        if isinstance(exception, ScopeError) and not settings.QDIALOG_SCOPE_ERRORS_RAISE:
            # the path's pattern, not the path: no ids or codes in the log
            route = getattr(request.resolver_match, "route", "?")
            logger.error("tenant query outside the fence on %s: %s", route, exception)
            raise Http404("out of scope") from exception
        return None
