"""Every service that writes leaves an audit entry with its actor and tenant – checked on every
call of every service in the whole suite, not in a list kept by hand.

Each public function of each app's `services` module is wrapped while the tests run. When the
outermost service call wrote to a table of the product (an INSERT, UPDATE or DELETE seen by the
database wrapper) but no audit entry with a programme was created during the call – or the call
named a person as `actor` and the entry does not carry that person – the call fails with what
it wrote. Services that must not be audited say so and why with `@unaudited("…")`
(qdialog/core/audit.py), e.g. storing an anonymous answer set, whose audit entry would link it to
a moment.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import threading

from django.db import connections
from django.db.models.signals import post_save

import qdialog
from qdialog.core.audit import UNAUDITED

#: tables whose writes are bookkeeping, not changes a person made
IGNORED = ("core_auditentry", "django_session", "qdialog_cache", "django_tasks_database",
           "django_tasks_db", "axes_", "otp_", "django_content_type", "auth_permission")

_state = threading.local()
SEEN: dict[str, int] = {}


def _writes(sql: str) -> str | None:
    verb = sql.lstrip().split(" ", 1)[0].upper()
    if verb not in ("INSERT", "UPDATE", "DELETE"):
        return None
    lowered = sql.lower()
    if any(f'"{t}' in lowered or f" {t}" in lowered for t in IGNORED):
        return None
    return sql[:120]


def _entry_created(sender, instance, created, **kwargs):
    if created and getattr(_state, "depth", 0):
        _state.entries.append(instance)


def _wrap(name: str, function):
    @functools.wraps(function)
    def checked(*args, **kwargs):
        if getattr(_state, "depth", 0):
            _state.depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                _state.depth -= 1
        _state.depth, _state.entries, writes = 1, [], []

        def observe(execute, sql, params, many, context):
            written = _writes(sql)
            if written:
                writes.append(written)
            return execute(sql, params, many, context)

        wrappers = [c.execute_wrapper(observe) for c in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            result = function(*args, **kwargs)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
            _state.depth = 0
        SEEN[name] = SEEN.get(name, 0) + 1
        if writes:
            entries = [e for e in _state.entries if e.programme_id is not None]
            assert entries, (f"{name} wrote without an audit entry with a tenant: {writes[:3]}"
                             f" (audit it, or mark it @unaudited with the reason)")
            actor = kwargs.get("actor")
            if actor is not None and getattr(actor, "is_authenticated", False):
                assert any(e.actor_id == actor.pk for e in entries), (
                    f"{name} was done by {actor} but its audit entry names nobody")
        return result

    return checked


def install():
    post_save.connect(_entry_created, sender="core.AuditEntry", weak=False,
                      dispatch_uid="audit_walk")
    for info in pkgutil.iter_modules(qdialog.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"qdialog.{info.name}.services")
        except ModuleNotFoundError:
            continue
        for attr, value in list(vars(module).items()):
            if (attr.startswith("_") or not inspect.isfunction(value)
                    or value.__module__ != module.__name__ or value in UNAUDITED
                    or getattr(value, "__wrapped__", None) in UNAUDITED):
                continue
            setattr(module, attr, _wrap(f"{module.__name__}.{attr}", value))
