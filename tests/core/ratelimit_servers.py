"""Rate limits hold at their documented values across two server processes.

    .venv/bin/python tests/core/ratelimit_servers.py              # the database cache
    CACHE_URL=redis://127.0.0.1:6379/15 .venv/bin/python tests/core/ratelimit_servers.py
    … ratelimit_servers.py unknown_codes reports      # only these limits

Starts two `qdialog serve` processes (production mode, one worker each) on one SQLite file and
sends every request alternately to one and the other, from a client address of its own per
limit (the X-Real-IP header, QDIALOG_CLIENT_IP_HEADER). For each limit it reports the request
at which the first refusal (429) came: unknown survey codes (30 in ten minutes), submissions
through an open group code (60 in its window), anonymous reports (10 an hour), failed log-ins
for one account (django-axes, 5) and failed log-ins from one address for many accounts (20 an
hour). The last line is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.privacy.linkage_attack import CSRF_RE, FORM_CODE_RE, TOKEN_RE, Browser, _wait_for  # noqa: E402,I001


class Client(Browser):
    def __init__(self, ports, address):
        super().__init__(ports[0], "RateLimitCheck/1")
        self.ports, self.address, self.turn = ports, address, 0

    def request(self, path, data=None):
        """Every request to the other server than the one before."""
        self.base = f"http://127.0.0.1:{self.ports[self.turn % 2]}"
        self.turn += 1
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={
            "User-Agent": self.agent, "X-Real-IP": self.address})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")
        return response.status, response.read().decode(), response.headers.get("Location", "")


def first_refusal(attempt, limit_at_most=200):
    for n in range(1, limit_at_most + 1):
        if attempt(n) == 429:
            return n
    return None


LIMITS = ("unknown_codes", "group_code_submissions", "reports", "failed_logins_one_account",
          "failed_logins_many_accounts")


def main():
    only = set(sys.argv[1:]) or set(LIMITS)
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-ratelimits-"))
    env = {**os.environ, "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(tmp / "static"), "LOG_LEVEL": "CRITICAL",
           "DJANGO_SETTINGS_MODULE": "qdialog.settings", "SECURE_SSL_REDIRECT": "false",
           "SECURE_COOKIES": "false", "QDIALOG_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
           "AXES_IP_HEADERS": "HTTP_X_REAL_IP", "QDIALOG_GROUP_CODE_WINDOW": "3600",
           "QDIALOG_REQUIRE_MFA_OPERATORS": "false", "SQLITE_PATH": str(tmp / "db.sqlite3")}
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
        os.environ.pop(name, None)  # this process uses the same SQLite file as the servers
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # once, for both servers
    from bench.ingest import free_port, spec
    from qdialog.accounts.models import User
    from qdialog.incidents import services as incidents
    from qdialog.surveys import services
    from qdialog.tenancy.models import Municipality, Programme

    programme = Programme.objects.create(name="Limits", slug="limits")
    municipality = Municipality.objects.create(programme=programme, name="Grenzstadt",
                                               kind="landkreis", state="NI")
    instrument = services.instrument_create_from_spec(actor=None, programme=programme,
                                                      spec=spec())
    today = dt.date.today()
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Limits", "municipality": municipality, "allow_group_code": True,
        "opens_on": today - dt.timedelta(1), "closes_on": today + dt.timedelta(1)})
    services.wave_open(actor=None, wave=wave)
    group = services.group_code_get(actor=None, wave=wave).code
    system = incidents.system_create(actor=None, programme=programme, municipality=municipality)
    for n in range(25):
        User.objects.create_user(email=f"person{n}@example.org", password="Richtig-2026-xyz")
    ports = [free_port(), free_port()]
    servers = []
    for port in ports:
        log = open(tmp / f"server-{port}.log", "w")  # noqa: SIM115 - open for the server's life
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "qdialog", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--no-collectstatic"], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=ROOT))
    try:
        for port, server in zip(ports, servers):
            _wait_for(port, server)
        result = {"cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                  "servers": 2}
        guesser = Client(ports, "10.1.0.1")
        if "unknown_codes" in only:
            result["unknown_codes"] = first_refusal(
                lambda n: guesser.request(f"/s/GUESS{n:05d}/")[0])

        group_client = Client(ports, "10.1.0.2")

        def group_answer(n):
            status, page, _ = group_client.request(f"/s/{group}/")
            if status != 200:
                return status
            return group_client.request("/s/answer/", {
                "csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
                "token": TOKEN_RE.search(page).group(1), "page": "0", "action": "submit",
                "lang": "de", **{f"q_i{i:02d}": "3" for i in range(1, 41)}})[0]
        if "group_code_submissions" in only:
            result["group_code_submissions"] = first_refusal(group_answer)

        reporter = Client(ports, "10.1.0.3")

        def report(n):
            status, page, _ = reporter.request(f"/melden/{system.key}/")
            return reporter.request(f"/melden/{system.key}/", {
                "csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
                "code": FORM_CODE_RE.search(page).group(1), "professional_group": "school",
                "phase": "referral", "child_age_band": "6-9", "harm": "potential",
                "frequency": "sometimes", "what_happened": f"Bericht {n}.",
                "outcome": "Eine Folge.", "what_helped": ""})[0]
        if "reports" in only:
            result["reports"] = first_refusal(report)

        def login(client, email, password):
            status, page, _ = client.request("/accounts/login/")
            return client.request("/accounts/login/", {
                "csrfmiddlewaretoken": CSRF_RE.search(page).group(1), "login": email,
                "password": password})[0]

        one_account = Client(ports, "10.1.0.4")
        if "failed_logins_one_account" in only:
            result["failed_logins_one_account"] = first_refusal(
                lambda n: login(one_account, "person0@example.org", f"falsch-{n}"))
        sprayer = Client(ports, "10.1.0.5")
        if "failed_logins_many_accounts" in only:
            result["failed_logins_many_accounts"] = first_refusal(
                lambda n: login(sprayer, f"person{n % 24 + 1}@example.org", "Sommer2026!"))
        limits = {
            "unknown_codes": settings.QDIALOG_CODE_FAILURES,
            "group_code_submissions": settings.QDIALOG_GROUP_CODE_RATE,
            "reports": settings.QDIALOG_REPORT_RATE,
            "failed_logins_one_account": settings.AXES_FAILURE_LIMIT,
            "failed_logins_many_accounts": settings.QDIALOG_LOGIN_FAILURES_PER_ADDRESS}
        result["limits"] = {k: v for k, v in limits.items() if k in only}
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(json.dumps(result))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
