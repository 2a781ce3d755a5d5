"""Rate limits are shared by every process and server: two `qdialog serve` processes, requests
alternating between them, and each limit refuses at its documented value (not twice as late).
Production refuses to start with a per-process cache."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_settings_and_cli import run

ROOT = Path(__file__).resolve().parents[2]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


#: with Redis, the limits that live in the cache (axes counts failed log-ins in the database)
REDIS_LIMITS = ["unknown_codes", "reports", "failed_logins_many_accounts"]


@pytest.mark.parametrize("cache", ["database", "redis"])
def test_each_limit_holds_across_two_servers(cache):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.pop("CACHE_URL", None)
    if cache == "redis":
        if not _redis_answers():
            pytest.skip("no Redis server on 127.0.0.1:6379 (Debian's redis-server)")
        env["CACHE_URL"] = "redis://127.0.0.1:6379/15"
    only = REDIS_LIMITS if cache == "redis" else []
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "core" /
                                                 "ratelimit_servers.py"), *only],
                            capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("rate limits across two servers:", json.dumps(figures))
    assert figures["cache"] == ("RedisCache" if cache == "redis" else "DatabaseCache")
    assert set(figures["limits"]) == set(only or figures["limits"])
    for name, limit in figures["limits"].items():
        # the first refusal comes right after the documented number of attempts; django-axes
        # locks an account with the failure that reaches its limit
        expected = limit if name == "failed_logins_one_account" else limit + 1
        assert figures[name] == expected, (name, figures[name], limit)


def test_production_refuses_a_per_process_cache(tmp_path):
    result = run(["check"], QDIALOG_MODE="production", SECRET_KEY="x" * 40,
                 ALLOWED_HOSTS="example.org", DJANGO_DEBUG="false",
                 CACHE_URL="locmemcache://", SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode != 0
    assert "per-process cache" in result.stderr
