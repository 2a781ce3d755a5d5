"""Whether this node can serve: the checks behind `/readyz` (qdialog/core/views.py)."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("qdialog.health")

_migrations_done = False


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    key, value = f"qdialog:ready:{secrets.token_hex(4)}", secrets.token_hex(4)
    cache.set(key, value, 10)
    found = cache.get(key)
    cache.delete(key)
    return "ok" if found == value else "failed"


def _migrations() -> str:
    """No migration pending. Once a node has seen the schema complete it is not asked again:
    a schema does not go back, and reading the migration graph costs a tenth of a second."""
    global _migrations_done
    if _migrations_done:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "pending"
    _migrations_done = True
    return "ok"


def readiness() -> dict[str, str]:
    checks = {}
    for name, check in (("database", _database), ("cache", _cache),
                        ("migrations", _migrations)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            checks[name] = "failed"
        if checks[name] != "ok" and name == "database":
            checks.setdefault("cache", "not checked")
            checks.setdefault("migrations", "not checked")
            break
    return checks
