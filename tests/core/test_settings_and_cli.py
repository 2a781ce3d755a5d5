"""Settings refuse an unsafe production start; the command line speaks in one clear line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

QDIALOG = [sys.executable, "-m", "qdialog"]


def run(args, **env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"QDIALOG_MODE", "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    if "SQLITE_PATH" in env:  # a throw-away SQLite file, even when the suite runs on PostgreSQL
        environment.pop("DATABASE_URL", None)
    return subprocess.run([*QDIALOG, *args], capture_output=True, text=True, env=environment,
                          timeout=120)


def test_help_lists_the_commands():
    result = run(["--help"])
    assert result.returncode == 0
    for command in ["serve", "seed-demo", "migrate", "createsuperuser", "worker"]:
        assert command in result.stdout


@pytest.mark.parametrize("env,complaint", [
    ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG is on"),
    ({"DJANGO_DEBUG": "false"}, "SECRET_KEY is the development key"),
    ({"DJANGO_DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS is empty"),
])
def test_production_mode_refuses_unsafe_settings(env, complaint):
    result = run(["check"], QDIALOG_MODE="production", **env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qdialog: error: ImproperlyConfigured: qdialog refuses to start")
    assert complaint in lines[0]
    assert "Traceback" not in result.stderr


def test_production_mode_starts_with_safe_settings(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "ERROR"], QDIALOG_MODE="production",
                 DJANGO_DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
                 ALLOWED_HOSTS="qdialog.example.org",
                 SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 0, result.stderr


def test_unknown_mode_is_one_line():
    result = run(["check"], QDIALOG_MODE="staging")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "QDIALOG_MODE must be" in result.stderr


def test_unknown_command_is_one_line():
    result = run(["frobnicate"])
    assert result.returncode == 1
    assert "Unknown command: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_seed_demo_twice_is_a_clear_error(tmp_path):
    db = str(tmp_path / "demo.sqlite3")
    assert run(["migrate", "-v0"], SQLITE_PATH=db).returncode == 0
    first = run(["seed-demo"], SQLITE_PATH=db)
    assert first.returncode == 0, first.stderr
    assert "43 municipalities" in first.stdout and "institut@demo.qdialog.invalid" in first.stdout
    second = run(["seed-demo"], SQLITE_PATH=db)
    assert second.returncode == 1
    assert second.stderr.strip() == ("CommandError: The demo programme is already loaded; "
                                     "use --reset to load it again.")
    assert run(["seed-demo", "--if-missing"], SQLITE_PATH=db).returncode == 0
    assert run(["seed-demo", "--reset"], SQLITE_PATH=db).returncode == 0


def test_sqlite_uses_wal_and_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"


def test_sqlite_by_database_url_gets_the_same_safeguards(tmp_path):
    """DATABASE_URL=sqlite:///… used to come without WAL, busy timeout and IMMEDIATE
    transactions: under two workers, writes then failed at once with "database is locked"."""
    result = run(["shell", "-c", "from django.conf import settings; "
                  "o = settings.DATABASES['default']['OPTIONS']; "
                  "print(o['transaction_mode'], 'WAL' in o['init_command'], o['timeout'])"],
                 DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.stdout.split()[-3:] == ["IMMEDIATE", "True", "20"], result.stderr


def test_connections_are_kept_open(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60


def test_healthz(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_serve_command_exists():
    from django.core.management import get_commands

    assert {"serve", "seed_demo", "demo_logins", "compiletranslations", "db_worker"} <= set(
        get_commands())


def test_wsgi_application_loads():
    from qdialog.wsgi import application

    assert callable(application)


def test_vendored_static_files_are_present():
    static = Path(__file__).resolve().parents[2] / "qdialog" / "static" / "vendor"
    assert (static / "kern" / "kern.min.css").stat().st_size > 100_000
    assert (static / "htmx" / "htmx.min.js").exists()
