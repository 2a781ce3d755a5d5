"""Nothing that qdialog stores, logs or backs up links an answer set or a report to a person.

Runs tests/privacy/linkage_attack.py – respondents with personal codes, a group code and
e-mail invitations, and anonymous reporters, against a real `qdialog serve`, then an attack on
the server's log, every table and a backup – on SQLite, and in the PostgreSQL phase of CI on
a throw-away database of that server."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_answers_and_reports_cannot_be_linked():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "QDIALOG_MODE"}}
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "privacy" /
                                                 "linkage_attack.py")],
                            capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("linkage attack:", json.dumps(figures))
    assert figures["answers"] == 30 and figures["reports"] == 30
    assert figures["findings"] == {"log": [], "database": [], "backup": []}
    assert figures["private_log_lines"] == 0
    assert figures["xmin_shared_with_codes"] == 0
    for name, order in figures["order"].items():
        # A random order puts about one record at its own place, and its rank correlation
        # with the order of arrival is near 0. Ten fixed places, or a correlation of
        # 4.9 / sqrt(n - 1) (about 0.91 for 30), happen by chance less than once in a million
        # runs; an order kept from the arrival has 30 and 1.0.
        assert order["fixed_points"] < 10, (name, order)
        assert abs(order["rank_correlation"]) < min(0.95, 4.9 / (order["n"] - 1) ** 0.5), \
            (name, order)
