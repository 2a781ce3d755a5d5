"""Answers and anonymous reports survive a PostgreSQL restart: run bench/faults.py with
`--fault database` – a real gunicorn with two workers on a throw-away PostgreSQL cluster of its
own (never the suite's database), restarted twice with `pg_ctl restart -m fast` while
submissions are in flight – and check that every submission is stored exactly once after the
retries, and that what the client saw during the restart was a 503 with Retry-After."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import pgcluster

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="runs with the PostgreSQL suite (its own throw-away cluster)"),
    pytest.mark.skipif(not pgcluster.available(),
                       reason="PostgreSQL's server binaries (initdb, pg_ctl) are not installed"),
]


def test_nothing_lost_or_doubled_when_the_database_restarts():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "QDIALOG_MODE"}}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "faults.py"), "--fault", "database",
         "--respondents", "40", "--reports", "30", "--concurrency", "8"],
        capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["faults"] == "database restarted" and figures["database"] == "postgresql"
    assert figures["database_restarts"] == 2
    assert figures["failed_first_try"] >= 1  # the restarts did hit submissions
    assert set(figures["first_try_failures"]) == {"503"}
    assert figures["acknowledged_after_retries"] == figures["submissions"]
    assert figures["stored_answers"] == figures["answers"]
    assert figures["stored_reports"] == figures["reports"]
    assert figures["lost"] == 0 and figures["doubled"] == 0
