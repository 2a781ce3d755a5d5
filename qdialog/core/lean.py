"""Respondents' pages through a shorter middleware chain: the hosting cost of a survey.

A questionnaire page and its submission need neither sessions nor log-ins: the code travels in
its own signed cookie, and nothing on these pages depends on who may be logged in in the same
browser. Yet the full chain – sessions, authentication, messages, allauth, two-factor checks,
django-axes, htmx – costs about a millisecond on every request, a sixth of what a respondent
costs the server (docs/performance.md). `RespondentPathMiddleware` sends requests to `/s/…` through
QDIALOG_RESPONDENT_MIDDLEWARE instead: the security headers, the language, CSRF, the tenant fence
for an anonymous person, frame denial and the content security policy stay; the person is
always anonymous there, even when a coordinator opens a survey link to try it.

It sits right after the request observation (qdialog/core/observability.py), which times and
counts these requests like every other.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

from . import metrics

PREFIX = "/s/"


class LeanHandler(BaseHandler):
    """Django's request handling with a middleware list of its own (all synchronous)."""

    def load_chain(self, paths: list[str]) -> None:
        self._view_middleware, self._template_response_middleware = [], []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(
                    middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class RespondentPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.lean = LeanHandler()
        self.lean.load_chain(settings.QDIALOG_RESPONDENT_MIDDLEWARE)

    def __call__(self, request):
        if request.path_info.startswith(PREFIX):
            return self.lean._middleware_chain(request)
        return self.get_response(request)


class AnonymousMiddleware:
    """On respondents' pages nobody is logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = AnonymousUser()
        return self.get_response(request)


class CountExceptionsMiddleware:
    """The metrics' count of unhandled exceptions, for the short chain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        metrics.observe_exception(request)
