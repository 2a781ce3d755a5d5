"""Retention runs the shredders the apps register; it knows none of their models."""

import ast
from pathlib import Path

from qdialog.core.registry import shredders
from qdialog.core.shredder import Shredder, months_before
from qdialog.retention.models import PERIODS, RetentionPolicy

ROOT = Path(__file__).resolve().parents[2] / "qdialog"


def test_every_period_has_one_registered_shredder_and_back():
    registered = list(shredders)
    assert all(issubclass(s, Shredder) for s in registered)
    categories = [s.category for s in registered]
    assert categories == list(PERIODS)  # one each, in the order the pages list them
    for name in PERIODS:
        RetentionPolicy._meta.get_field(name)
    assert {s.archive for s in registered} <= {"data", "case_reviews"}


def test_each_shredder_lives_in_the_app_that_owns_its_models():
    for path in shredders.paths():
        module = path.rsplit(".", 1)[0]
        app = module.split(".")[1]
        shredder = next(s for s in shredders if f"{s.__module__}.{s.__name__}" == path)
        assert shredder.__module__.split(".")[1] == app


def test_retention_imports_no_other_apps_models():
    for path in (ROOT / "retention").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] == "qdialog" and len(parts) > 1:
                    assert parts[1] in {"core", "tenancy", "retention"}, (path, node.module)


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    import datetime as dt

    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
