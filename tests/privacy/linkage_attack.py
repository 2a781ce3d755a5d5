"""Try to link answer sets and anonymous reports to people, through a real server.

    .venv/bin/python tests/privacy/linkage_attack.py          # SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python tests/privacy/linkage_attack.py
                                   # PostgreSQL: a throw-away database on that server

Plays respondents against `qdialog serve` (gunicorn, two workers, production mode) with personal
codes, an open group code and e-mail invitations, and reporters against the anonymous report
form – one after the other, in a known order, each with a marker in a free text and a user
agent of its own. Then closes the wave, takes a backup with `qdialog backup`, and attacks what
an operator holds: the server's logs, every table of the database, and the backup. It looks
for codes, follow-up codes, invitation addresses, user agents and IP addresses, for date-times
written while the answers came in, and for any stored order – keys, physical row order
(SQLite's rowid, PostgreSQL's ctid), PostgreSQL's transaction ids (xmin, shared with the row of
the code marked used in the same transaction) and the order of the backup – that follows the
order in which the answers and reports came in. The last line is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
FORM_CODE_RE = re.compile(r'name="code" value="([^"]+)"')
FOLLOWUP_RE = re.compile(r'class="qd-code"[^>]*>([^<]+)<')
MARKER_RE = re.compile(r"linkmarker-(\d+)")
REPORTS = 30


class Browser:
    """A cookie-keeping client with a user agent of its own, like one person's browser."""

    def __init__(self, port: int, agent: str):
        self.base = f"http://127.0.0.1:{port}"
        self.agent = agent
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"User-Agent": self.agent})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")
        return response.status, response.read().decode(), response.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def answer(port: int, code: str, n: int, agent: str) -> None:
    browser = Browser(port, agent)
    status, page, _ = browser.request(f"/s/{code}/")
    assert status == 200, (status, code)
    fields = {"csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
              "token": TOKEN_RE.search(page).group(1), "page": "0", "action": "submit",
              "lang": "de", "q_t1": f"Gute Zusammenarbeit linkmarker-{n}.",
              **{f"q_i{i:02d}": str((i + n) % 5 + 1) for i in range(1, 41)}}
    status, _, location = browser.request("/s/answer/", fields)
    assert status == 303, status
    assert browser.request(location)[0] == 200


def report(port: int, key: str, n: int, agent: str) -> str:
    browser = Browser(port, agent)
    status, page, _ = browser.request(f"/melden/{key}/")
    assert status == 200, status
    fields = {"csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
              "code": FORM_CODE_RE.search(page).group(1), "professional_group": "school",
              "phase": "referral", "child_age_band": "6-9", "harm": "potential",
              "frequency": "sometimes", "outcome": "Eine späte Einschätzung.",
              "what_happened": f"Eine Mitteilung blieb liegen linkmarker-{n}.",
              "what_helped": ""}
    status, page, _ = browser.request(f"/melden/{key}/", fields)
    assert status == 200, status
    followup = FOLLOWUP_RE.search(page).group(1).strip()
    # the reporter comes back with the follow-up code
    status, page, _ = browser.request(f"/melden/{key}/antwort/")
    browser.request(f"/melden/{key}/antwort/", {
        "csrfmiddlewaretoken": CSRF_RE.search(page).group(1), "code": followup})
    return followup


def fixed_points(order: list[int]) -> int:
    """How many answer sets sit at the very place their submission had (chance: about one)."""
    return sum(1 for place, n in enumerate(order) if place == n)


def rank_correlation(order: list[int]) -> float:
    from scipy.stats import spearmanr

    if len(order) < 3:
        return 0.0
    return float(spearmanr(range(len(order)), order).statistic)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-linkage-"))
    env = {**os.environ, "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"),
           "LOG_LEVEL": "INFO", "DJANGO_SETTINGS_MODULE": "qdialog.settings",
           "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
           "QDIALOG_MIX_BATCH": "10", "CACHE_URL": "dbcache://qdialog_cache",
           "QDIALOG_REPORT_RATE": "1000"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    throwaway = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        throwaway, env["DATABASE_URL"] = _throwaway_database(env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp / "linkage.sqlite3")
    os.environ.update(env)
    try:
        result = attack(tmp, env)
    finally:
        if throwaway:
            throwaway()
    print(json.dumps(result))


def _throwaway_database(url: str):
    import psycopg

    name = f"qdialog_linkage_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parsed = urllib.parse.urlsplit(url)

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop, urllib.parse.urlunsplit(parsed._replace(path=f"/{name}"))


def attack(tmp: Path, env: dict) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from bench.ingest import free_port, spec
    from qdialog.incidents import services as incidents
    from qdialog.surveys import services
    from qdialog.surveys.models import AccessCode, CodeKind, Wave
    from qdialog.tenancy.models import Municipality, Programme

    programme = Programme.objects.create(name="Verknüpfungstest", slug="linkage")
    municipality = Municipality.objects.create(programme=programme, name="Prüfstadt",
                                               kind="landkreis", state="NI")
    instrument = services.instrument_create_from_spec(actor=None, programme=programme,
                                                      spec=spec())
    today = dt.date.today()
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Linkage", "municipality": municipality, "allow_group_code": True,
        "opens_on": today - dt.timedelta(1), "closes_on": today + dt.timedelta(1)})
    services.wave_open(actor=None, wave=wave)
    personal = [c.code for c in services.codes_generate(actor=None, wave=wave, count=10)]
    group = services.group_code_get(actor=None, wave=wave).code
    emails = [f"person{n}.{secrets.token_hex(3)}@example.org" for n in range(10)]
    services.invitations_add(actor=None, wave=wave, emails=emails)
    invitation = dict(AccessCode.objects.filter(wave=wave, kind=CodeKind.INVITATION)
                      .values_list("email", "code"))
    system = incidents.system_create(actor=None, programme=programme, municipality=municipality)

    # who answers in which order: codes interleaved, a known sequence
    sequence = []
    for n in range(10):
        sequence += [("personal", personal[n]), ("invitation", invitation[emails[n]]),
                     ("group", group)]
    agents = [f"LinkageAgent/{n}.{secrets.token_hex(4)}" for n in range(len(sequence) + REPORTS)]
    port = free_port()
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "qdialog", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=ROOT)
    followups = []
    try:
        _wait_for(port, server)
        for n, (_, code) in enumerate(sequence):
            answer(port, code, n, agents[n])
        for n in range(REPORTS):
            followups.append(report(port, system.key, n, agents[len(sequence) + n]))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from django.db import connection

    connection.close()
    services.wave_close(actor=None, wave=Wave.objects.get(pk=wave.pk))
    backup = tmp / "backup.tar.gz"
    subprocess.run([sys.executable, "-m", "qdialog", "backup", str(backup)], env=env,
                   check=True, capture_output=True, cwd=ROOT)

    secrets_ = (dict.fromkeys(personal, "personal code") | {group: "group code"}
                | dict.fromkeys(invitation.values(), "invitation code")
                | dict.fromkeys(emails, "invitation address")
                | dict.fromkeys(agents, "user agent") | dict.fromkeys(followups, "follow-up code"))
    logs = log_path.read_text()
    findings = {"log": _search(logs, secrets_, "server log")}
    findings["log"] += [f"IP address on a private path: {line[:120]}"
                        for line in logs.splitlines()
                        if "127.0.0.1" in line and ("/s/" in line or "/melden/" in line)]
    findings["log"] += [f"private address in the log: {line[:120]}"
                        for line in logs.splitlines()
                        if re.search(r"/(s|melden)/[A-Za-z0-9_-]{4,}", line)
                        and "/s/answer" not in line and "/s/done" not in line]
    tables, order = _read_database(connection)
    findings["database"] = []
    for table, text in tables.items():
        for hit in _search(text, secrets_, table):
            # the codes themselves live on the codes' table (and only there)
            if table == AccessCode._meta.db_table and ("code" in hit):
                continue
            findings["database"].append(hit)
    findings["database"] += _recent_moments(tables)
    backup_text = _backup_text(backup)
    findings["backup"] = [h for h in _search(backup_text, secrets_, "backup")
                          if "code" not in h.split(":")[0] or "follow-up" in h]
    findings["backup"] += [f"backup holds a code outside the codes' table: {c}"
                           for c in _codes_outside_access_codes(backup, personal
                                                                + [group]
                                                                + list(invitation.values()))]
    order["backup"] = _backup_order(backup)
    answers_n = len(sequence)
    return {
        "database": connection.vendor, "answers": answers_n, "reports": len(followups),
        "findings": findings,
        "order": {name: {"fixed_points": fixed_points(o), "rank_correlation":
                         round(rank_correlation(o), 3), "n": len(o)}
                  for name, o in order.items()},
        "xmin_shared_with_codes": _xmin_links(connection),
        "private_log_lines": sum(1 for line in logs.splitlines()
                                 if "/s/" in line or "/melden/" in line),
    }


def _wait_for(port, server):
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError("qdialog serve ended")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("qdialog serve did not start")


def _search(text: str, needles: dict, where: str) -> list[str]:
    lowered = text.lower()
    return [f"{what}: {needle} in {where}" for needle, what in needles.items()
            if needle.lower() in lowered]


def _read_database(connection):
    """Every table as text, and the stored orders of the answer sets and reports."""
    from django.db import connection as conn

    tables = {}
    with conn.cursor() as cursor:
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            tables[table] = "\n".join(" | ".join("" if v is None else str(bytes(v)) if
                                                 isinstance(v, memoryview) else str(v)
                                                 for v in row) for row in cursor.fetchall())
        orders = {}
        physical = "rowid" if conn.vendor == "sqlite" else "ctid"
        for name, table, column in (("answers", "surveys_response", "answers"),
                                    ("reports", "incidents_incidentreport", "what_happened")):
            for label, order_by in (("key", "id"), ("storage", physical),
                                    *((("transaction", "xmin::text::bigint"),)
                                      if conn.vendor == "postgresql" else ())):
                cursor.execute(f'SELECT {column} FROM "{table}" ORDER BY {order_by}')
                markers = [int(MARKER_RE.search(str(v)).group(1)) for (v,) in cursor.fetchall()]
                orders[f"{name} by {label}"] = markers
    return tables, orders


def _xmin_links(connection) -> int:
    """PostgreSQL: answer sets written in the same transaction as a code's row."""
    from django.db import connection as conn

    if conn.vendor != "postgresql":
        return 0
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM surveys_response r JOIN surveys_accesscode a "
                       "ON a.xmin = r.xmin")
        return int(cursor.fetchone()[0])


def _recent_moments(tables: dict) -> list[str]:
    """Date-times of the last hour in tables that have to do with answers or reports (the
    audit log, sessions and tasks of staff are not about respondents)."""
    moment = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
    suspects = ("surveys_response", "surveys_submissiontoken", "incidents_incidentreport",
                "surveys_accesscode", "qdialog_cache")
    out = []
    for table in suspects:
        text = tables.get(table, "")
        if table == "qdialog_cache":
            # rate-limit counters expire; they hold a keyed hash, never a code
            continue
        for found in moment.findall(text):
            out.append(f"a time of day in {table}: {found}")
    return out


def _backup_text(archive: Path) -> str:
    with tarfile.open(archive) as tar:
        return tar.extractfile("database.json").read().decode()


def _backup_order(archive: Path) -> list[int]:
    records = json.loads(_backup_text(archive))
    return [int(MARKER_RE.search(r["fields"]["answers"].get("t1", "")).group(1))
            for r in records if r["model"] == "surveys.response"]


def _codes_outside_access_codes(archive: Path, codes: list[str]) -> list[str]:
    records = json.loads(_backup_text(archive))
    text = json.dumps([r for r in records if r["model"] != "surveys.accesscode"])
    return [c for c in codes if c in text]


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
