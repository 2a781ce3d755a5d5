"""The tenant fence: a query on a tenant model without a scope raises (django-scopes).

Every model that belongs to a programme has `objects = TenantManager("<path to programme>")`.
Its queries are answered only inside an active fence:

- in a request, `qdialog.tenancy.middleware.ScopeMiddleware` fences every query to the
  programmes the person holds a role in (an anonymous request: to none). A view that forgets
  `request.scope` therefore finds nothing of another institute's programme – a 404, never a leak.
  Finer reach inside a programme (cluster, municipality) is decided by `request.scope` and the
  rules, as before;
- outside a request (a management command, a background task, the demo, a test body) there is
  no fence, and a query raises `ScopeError` unless it runs inside `unscoped(reason)`, the one
  escape hatch. `grep -rn "unscoped(" qdialog` lists every place that opens it, each with its
  reason.

Migrations use plain historical managers and are not affected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models
from django_scopes import get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.state import state

__all__ = ["ScopeError", "TenantManager", "fence", "fence_active", "fence_extend", "unscoped"]

DIMENSION = "programme"


class TenantQuerySet(models.QuerySet):
    """A queryset whose fence is applied when it is evaluated, not when it is built.

    django-scopes' own manager filters when the queryset is built, so a queryset made at import
    time (a form field's choices) would keep the state of that moment – and its manager raises
    on `.all()`, which Django's ModelForm machinery calls while defining the class. Here the
    state is read at the moment the database is asked, which is the moment that matters."""

    def _fence(self) -> None:
        if getattr(self, "_fenced", False):
            return
        current = get_scope()
        if current.get("_enabled") is False:
            return
        if DIMENSION not in current:
            raise ScopeError(f"{self.model._meta.label} queried outside a tenant fence; open "
                             "one (fence) or give a reason (unscoped) – docs/architecture.md")
        path = self.model._tenant_fence_path
        lookup = "pk__in" if path == "pk" else f"{path}__in"
        self.query.add_q(models.Q(**{lookup: current[DIMENSION]}))
        self._fenced = True

    def _clone(self):
        clone = super()._clone()
        clone._fenced = getattr(self, "_fenced", False)
        return clone

    def _fetch_all(self):
        if self._result_cache is None:
            self._fence()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._fence()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._fence()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._fence()
        return super().exists()

    def contains(self, obj):
        self._fence()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._fence()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._fence()
        return super().update(**kwargs)

    def delete(self):
        self._fence()
        return super().delete()

    def explain(self, **options):
        self._fence()
        return super().explain(**options)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The default manager of a tenant model; `path` leads from the model to its programme.
    Related managers (`municipality.organisations`) are built on it and fenced alike."""

    def __init__(self, path: str | None = None):
        super().__init__()
        self._fence_path = path

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if self._fence_path:  # an abstract base hands it down to its models
            cls._tenant_fence_path = self._fence_path
@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """The escape hatch: queries inside see every programme. `reason` says why that is safe
    (it is not used at run time; it is there for the reader and for grep)."""
    if not reason.strip():
        raise ValueError("unscoped() needs a reason")
    with scopes_disabled():
        yield


@contextmanager
def fence(programme_ids: Iterable[int]) -> Iterator[None]:
    """Answer tenant queries inside only from these programmes."""
    with scope(**{DIMENSION: sorted(set(programme_ids))}):
        yield


def fence_active() -> bool:
    """True when tenant queries are answered here (a fence or the escape hatch is open)."""
    current = get_scope()
    return DIMENSION in current or current.get("_enabled") is False


def fence_extend(programme_ids: Iterable[int]) -> None:
    """Widen the current request's fence once the person is known only inside the view (an API
    token). The middleware's `fence()` restores the previous state when the request ends."""
    current = dict(get_scope())
    current["_enabled"] = current.get("_enabled", True)
    current[DIMENSION] = sorted(set(current.get(DIMENSION, [])) | set(programme_ids))
    state.set(current)
