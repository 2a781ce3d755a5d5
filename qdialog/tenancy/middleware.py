from django.utils.functional import SimpleLazyObject

from .scope import scope_for


class ScopeMiddleware:
    """Attach `request.scope` (resolved lazily, once per request) for views and templates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)
