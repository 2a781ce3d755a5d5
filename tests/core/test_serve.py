"""`qdialog serve` really serves: gunicorn in production mode, static files by whitenoise."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_in_production_mode(tmp_path):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
           "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "STATIC_ROOT": str(tmp_path / "static"),
           "QDIALOG_DATA_DIR": str(tmp_path), "QDIALOG_METRICS_TOKEN": "m" * 40}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "qdialog", "migrate", "-v0"], env=env, check=True,
                   timeout=120)
    server = subprocess.Popen(
        [sys.executable, "-m", "qdialog", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        # wait as long as the server is starting, however slow the machine: only its end (or a
        # bound of ten minutes) stops the wait – no fixed start-up time
        deadline = time.monotonic() + 600
        while True:
            try:
                health = urllib.request.urlopen(base + "/healthz", timeout=10)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("server did not start: " + server.stdout.read().decode())
                time.sleep(0.2)
        assert health.status == 200
        # as behind the TLS proxy: HSTS, secure cookies, frame denial, referrer policy
        request = urllib.request.Request(base + "/accounts/login/",
                                         headers={"X-Forwarded-Proto": "https"})
        page = urllib.request.urlopen(request, timeout=5)
        html = page.read().decode()
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        cookies = page.headers.get_all("Set-Cookie")
        csrf = next(c for c in cookies if c.startswith("csrftoken="))
        assert "Secure" in csrf and "HttpOnly" in csrf
        css = [part.split('"')[0] for part in html.split('href="')[1:] if "kern.min" in part][0]
        assert "kern.min." in css and css != "/static/vendor/kern/kern.min.css"  # hashed name
        static = urllib.request.urlopen(base + css, timeout=5)
        assert static.status == 200
        assert "max-age=315360000" in static.headers["Cache-Control"]
        # metrics add up what both workers counted (prometheus_client's multiprocess files)
        for _ in range(6):
            urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
        scrape = urllib.request.Request(base + "/metrics",
                                        headers={"Authorization": "Bearer " + "m" * 40})
        text = urllib.request.urlopen(scrape, timeout=10).read().decode()
        assert ('qdialog_http_requests_total{method="GET",route="account_login",status="2xx"}'
                ' 7.0') in text
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    # production logs are JSON lines, one per request (health checks not), gunicorn's own too
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    logins = [line for line in lines if line.get("route") == "account_login"]
    assert len(logins) == 7 and all(line["status"] == 200 for line in logins)
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    assert not [line for line in lines if line.get("route") in ("healthz", "readyz")]
    assert "127.0.0.1 -" not in output  # no access-log line with the client's address
