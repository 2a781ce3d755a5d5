"""Upgrade and restore drill: the previous release's database, with its demo data, upgraded by
this checkout's migrations, then backed up and restored into an empty database.

    .venv/bin/python scripts/upgrade_drill.py                 # SQLite files in a temp folder
    DATABASE_URL=postgres://qdialog:qdialog@127.0.0.1:5432/qdialog \
      .venv/bin/python scripts/upgrade_drill.py               # scratch databases beside it
    options: --from <commit>   (default: the commit named in deploy/previous-release)

1. the previous release's code (`git archive` of that commit) migrates an empty database and
   loads its demo programme (`seed-demo`): the database an installation has today;
2. this checkout's `qdialog migrate` upgrades it; every table the old release had keeps its
   number of rows, `qdialog check` passes, and the demo's people can open their start pages;
3. `qdialog backup` writes it into one archive, `qdialog restore` loads that into a second,
   empty database (which checks the manifest's counts itself), and the drill compares the row
   counts of every table of the two databases once more.

The last line is one JSON object; the exit status is 0 only when every check passed. The same
drill, with the real archive and a spare database, is what docs/operator-guide.md asks an operator
to run twice a year.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# tables whose rows a migration or a restore may rightly change: caches, sessions, task rows
VOLATILE = {"qdialog_cache", "django_session", "django_migrations",
            "django_tasks_database_dbtaskresult", "django_content_type", "auth_permission",
            "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def previous_release() -> str:
    return (ROOT / "deploy" / "previous-release").read_text().split()[0]


def run(args, env, cwd=ROOT, timeout=900):
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{done.stdout[-3000:]}\n"
                         f"{done.stderr[-3000:]}")
    return done.stdout


COUNT = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""

SMOKE = """
import json, django
django.setup()
from django.test import Client
from qdialog.accounts.models import User
from qdialog.core.scoping import unscoped
statuses = {}
with unscoped("the drill looks at the demo's people"):
    people = list(User.objects.filter(is_active=True, memberships__isnull=False)
                  .distinct().order_by("email")[:5])
for person in people:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    statuses[person.email] = client.get("/").status_code
print(json.dumps(statuses))
"""


def counts(env, cwd=ROOT) -> dict[str, int]:
    return json.loads(run([PYTHON, "-c", COUNT], env, cwd=cwd).strip().splitlines()[-1])


def scratch_databases(tmp: Path):
    """Two empty databases: SQLite files, or two PostgreSQL databases beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return [f"sqlite:///{tmp / name}.sqlite3" for name in ("upgraded", "restored")], None
    import psycopg

    base, _, _name = url.rpartition("/")
    names = [f"qdialog_drill_{os.getpid()}_{n}" for n in ("upgraded", "restored")]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return [f"{base}/{name}" for name in names], drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="ref", default=None)
    args = parser.parse_args()
    ref = args.ref or previous_release()
    started = time.monotonic()
    checks: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="qdialog-drill-") as folder:
        tmp = Path(folder)
        old = tmp / "previous"
        old.mkdir()
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        (urls, drop) = scratch_databases(tmp)
        base_env = {k: v for k, v in os.environ.items()
                    if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
        base_env.update({"DJANGO_SETTINGS_MODULE": "qdialog.settings", "QDIALOG_MODE":
                         "development", "LOG_LEVEL": "ERROR", "QDIALOG_DATA_DIR": str(tmp)})
        try:
            upgraded = {**base_env, "DATABASE_URL": urls[0],
                        "MEDIA_ROOT": str(tmp / "media-upgraded")}
            restored = {**base_env, "DATABASE_URL": urls[1],
                        "MEDIA_ROOT": str(tmp / "media-restored")}
            # 1. the previous release, its code only (same virtual environment)
            old_env = {**upgraded, "PYTHONPATH": str(old)}
            run([PYTHON, "-m", "qdialog", "migrate", "--noinput", "-v0"], old_env, cwd=old)
            run([PYTHON, "-m", "qdialog", "seed-demo"], old_env, cwd=old, timeout=1800)
            before = counts(old_env, cwd=old)
            # 2. this checkout's migrations
            run([PYTHON, "-m", "qdialog", "migrate", "--noinput", "-v0"], upgraded)
            after = counts(upgraded)
            kept = {t: (n, after.get(t)) for t, n in before.items()
                    if t not in VOLATILE and after.get(t) != n}
            checks["every table of the previous release keeps its rows"] = not kept
            run([PYTHON, "-m", "qdialog", "check"], upgraded)
            checks["qdialog check passes"] = True
            pages = json.loads(run([PYTHON, "-c", SMOKE], upgraded).strip().splitlines()[-1])
            checks["the demo's people open their start pages"] = bool(pages) and all(
                status == 200 for status in pages.values())
            # 3. backup, and restore into an empty database
            run([PYTHON, "-m", "qdialog", "migrate", "--noinput", "-v0"], restored)
            run([PYTHON, "-m", "qdialog", "backup", str(tmp / "backup.tar.gz")], upgraded)
            backed_up = counts(upgraded)  # the log-ins of the look above are audited
            run([PYTHON, "-m", "qdialog", "restore", str(tmp / "backup.tar.gz")], restored)
            again = counts(restored)
            differ = {t: (n, again.get(t)) for t, n in backed_up.items()
                      if t not in VOLATILE and again.get(t) != n}
            checks["the restored database has every row of the backed-up one"] = not differ
        finally:
            if drop:
                drop()
    rows = sum(n for t, n in after.items() if t not in VOLATILE)
    print(f"previous release {ref}: {sum(before.values())} rows in {len(before)} tables")
    print(f"upgraded: {len(after)} tables, {rows} rows outside caches and sessions")
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if kept:
        print("changed by the upgrade:", kept)
    if differ:
        print("differ after the restore:", differ)
    print(json.dumps({"drill": "upgrade-and-restore", "from": ref,
                      "database": "postgresql" if drop else "sqlite", "tables": len(after),
                      "rows": rows, "checks": checks,
                      "seconds": round(time.monotonic() - started, 1)}))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
