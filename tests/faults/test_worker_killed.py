"""Answers and anonymous reports survive a killed server worker: run bench/faults.py (a real
gunicorn with two workers on a fresh SQLite file) and check that nothing acknowledged was lost
and nothing was stored twice after the retries."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_lost_or_doubled_when_a_worker_dies():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "QDIALOG_MODE"}}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "faults.py"), "--respondents", "40",
         "--reports", "30", "--concurrency", "8"],
        capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["killed_workers"] >= 1
    assert figures["acknowledged_after_retries"] == figures["submissions"]
    assert figures["stored_answers"] == figures["answers"]
    assert figures["stored_reports"] == figures["reports"]
    assert set(figures["first_try_failures"]) <= {"connection lost", "502", "503"}
    assert figures["lost"] == 0 and figures["doubled"] == 0
