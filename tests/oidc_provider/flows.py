"""Shared by the single sign-on tests (qdialog side): the people of the test identity provider, a
connection to it, and the provider's half of a log-in driven with `requests` (no browser)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import requests

from qdialog.accounts import services

from .harness import PASSWORD, person

DOMAIN = "musterstadt.example"
SLUG = "musterstadt"
NAME = "Stadt Musterstadt – Anmeldung mit dem Dienstkonto"

PEOPLE = {
    "mia": person(f"mia@{DOMAIN}", "Mia Musterfrau"),
    "unverified": person(f"unverified@{DOMAIN}", verified=False),
    "noclaim": person(f"noclaim@{DOMAIN}", verified=None),
    "stringtrue": person(f"stringtrue@{DOMAIN}", verified="true"),
    "stringfalse": person(f"stringfalse@{DOMAIN}", verified="false"),
    "elsewhere": person("someone@elsewhere.example"),
    "nobody": person(f"nobody@{DOMAIN}"),
    "operator": person(f"betrieb@{DOMAIN}"),
}


def callback_uri(base: str, slug: str = SLUG) -> str:
    return f"{base}/accounts/oidc/{slug}/login/callback/"


def make_connection(*, actor, programme, provider, municipality=None, slug=SLUG, name=NAME,
                    domains=(DOMAIN,), local_passwords_off=False, is_active=True):
    return services.sign_on_connection_create(
        actor=actor, fields={"programme": programme, "municipality": municipality,
                             "name": name, "slug": slug, "issuer": provider.url,
                             "client_id": provider.client_id,
                             "local_passwords_off": local_passwords_off,
                             "is_active": is_active},
        domains=list(domains), secret=provider.client_secret)


def provider_log_in(authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """Log in at the provider and return the redirect back to qdialog (with code and state)."""
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    page = session.get(login_url, timeout=30)
    assert page.status_code == 200
    next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    response = session.post(login_url, data={
        "username": username, "password": password, "next": next_url,
        "csrfmiddlewaretoken": session.cookies["idp_csrftoken"]}, allow_redirects=False,
        timeout=30)
    assert response.status_code == 302, response.text[:500]
    response = session.get(urljoin(authorize_url, response.headers["Location"]),
                           allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def sso_log_in(client, username: str, slug: str = SLUG):
    """The whole sign-on with Django's test client on qdialog's side: the answer of qdialog's
    callback (after it fetched token, userinfo and keys from the provider)."""
    start = client.post(f"/accounts/oidc/{slug}/login/", {"process": "login"})
    assert start.status_code == 302, start.content[:500]
    back = provider_log_in(start["Location"], username)
    parts = urlsplit(back)
    assert parts.path == f"/accounts/oidc/{slug}/login/callback/", back
    return client.get(f"{parts.path}?{parts.query}")
