"""Web security: the headers every response carries, cookies, CSRF on forms, and what
production mode adds (HSTS, secure cookies)."""

import json
import re
import secrets

from django.test import Client
from django.urls import reverse

from tests.core.test_settings_and_cli import run


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_headers_on_every_page(client, db):
    for path in ["/", reverse("account_login"), reverse("surveys:entry"), "/healthz"]:
        response = client.get(path)
        csp = _directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"], path  # no inline script, no eval
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        # respondents' pages send no Referer at all: their address may hold a code
        expected = "strict-origin" if path.startswith("/s/") else "same-origin"
        assert response["Referrer-Policy"] == expected, path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_inline_script_in_the_pages(client_for, world):
    """The policy would block them; the templates must not need them."""
    for role, path in [("anon", "/"), ("mia", reverse("tenancy:municipality", args=[world.m1.pk])),
                       ("mia", reverse("actions:list", args=[world.m1.pk]))]:
        html = client_for(role).get(path).content.decode()
        scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
        for attrs, body in scripts:
            assert "src=" in attrs and not body.strip(), (path, attrs, body[:80])
        assert not re.search(r"\son[a-z]+=\"", html), path  # no onclick= and friends


def test_session_and_csrf_cookies(client, world):
    client.get(reverse("account_login"))
    response = client.post(reverse("account_login"), {
        "login": "mia@example.org", "password": "correct horse battery"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"]


def test_forms_refuse_posts_without_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.people["mia"])
    for path in [reverse("actions:create", args=[world.m1.pk]),
                 reverse("standards:create", args=[world.m1.pk])]:
        assert strict.post(path, {"title": "x"}).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("account_login"), {"login": "a", "password": "b"}) \
        .status_code == 403


def test_production_mode_adds_hsts_and_secure_cookies(tmp_path):
    snippet = (
        "import json; from django.conf import settings; from django.test import Client; "
        "r = Client().get('/healthz', secure=True, HTTP_HOST='qdialog.example.org'); "
        "print(json.dumps({'hsts': r.headers.get('Strict-Transport-Security'), "
        "'csp': r.headers.get('Content-Security-Policy'), "
        "'session_secure': settings.SESSION_COOKIE_SECURE, "
        "'csrf_secure': settings.CSRF_COOKIE_SECURE, 'debug': settings.DEBUG}))")
    result = run(["shell", "-c", snippet], QDIALOG_MODE="production", DJANGO_DEBUG="false",
                 SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="qdialog.example.org",
                 SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["hsts"].startswith("max-age=31536000")
    assert data["session_secure"] and data["csrf_secure"] and not data["debug"]
    assert "script-src 'self'" in data["csp"]
