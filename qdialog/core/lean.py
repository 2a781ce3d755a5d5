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

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
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


    def resolve_request(self, request):
        """Match against the respondents' few patterns first, then against the whole site (so
        that an unknown address under /s/ is answered exactly as before)."""
        try:
            match = get_resolver(settings.QDIALOG_RESPONDENT_URLCONF).resolve(request.path_info)
        except Resolver404:
            return super().resolve_request(request)
        request.resolver_match = match
        return match


class RespondentCSPMiddleware(CSPMiddleware):
    """The content security policy of the respondents' pages, built once.

    django-csp builds the header anew for every response; these pages use no nonce and no
    per-view policy, so the same two header values are kept as long as the settings stay the
    same (and built afresh, as usual, for a response that has a nonce or a policy of its own)."""

    _built: dict = {}

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None
                or (settings.DEBUG and response.status_code in (404, 500))
                or any(hasattr(response, name) for name in _PER_RESPONSE)):
            return super().process_response(request, response)
        key = (repr(getattr(settings, "CONTENT_SECURITY_POLICY", None)),
               repr(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)))
        headers = self._built.get(key)
        if headers is None:
            probe = super().process_response(request, HttpResponse())
            headers = {name: probe[name] for name in (HEADER, HEADER_REPORT_ONLY)
                       if name in probe}
            self._built.clear()
            self._built[key] = headers
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro",
                 "_csp_update_ro", "_csp_replace_ro", "_csp_exempt", "_csp_exempt_ro")


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
