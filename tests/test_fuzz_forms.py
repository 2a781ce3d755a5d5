"""Property-based checks of every form (hypothesis): no input produces a server error, and every
refusal says why. And CSRF on every form: each carries a token, and a post without one is
refused (403).

The forms are found, not listed: every route of the product is opened (as the institute staff
member, the municipal coordinator, or anonymously for the public pages) with the objects of the
isolation test, and each form on the page is posted with generated values for its fields –
unicode, very long text, numbers out of range, broken dates, markup.
"""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_isolation import PUBLIC_PREFIXES, fill, routes, target  # noqa: F401

EXAMPLES = 6
SKIP = {"set_language", "healthz", "home"}
#: posting these ends the session or starts background work that the test does not need
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")
REFUSAL = ("kern-error", "kern-alert--danger", "kern-alert--warning", 'role="alert"')

VALUES = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.text(min_size=4100, max_size=4300, alphabet="abc äöü ß\n"),
    st.integers(min_value=-10**15, max_value=10**15).map(str),
    st.sampled_from(["", "0", "-1", "2026-02-30", "31.12.2026", "1e309", "NaN", "<script>x",
                     "' OR 1=1 --", "../../etc/passwd", "\u202e", "on", "true", "99999999999"]),
)

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"(?P<name>[^\"]+)\"", re.I)


def forms_on(html: str, path: str):
    for match in FORM.finditer(html):
        attrs = match.group("attrs")
        if "post" not in attrs.lower():
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        url = unescape(action.group(1)) if action and action.group(1) else path
        fields = {m.group("name") for m in FIELD.finditer(match.group("body"))}
        yield url, sorted(fields - {"csrfmiddlewaretoken"}), "csrfmiddlewaretoken" in fields


def test_no_form_input_causes_a_server_error(world, target):  # noqa: F811
    clients = {"anon": Client()}
    for key in ("alice", "mia"):
        clients[key] = Client()
        clients[key].force_login(world.people[key])
    found, without_token, posted_forms = [], [], set()
    for (name, route), _defaults in routes():
        if name in SKIP or name.startswith(PUBLIC_PREFIXES) or name == "processes:feed":
            continue
        try:
            path = fill(name, route, target)
        except KeyError:
            continue  # the isolation test fails for such a route
        for key, client in clients.items():
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type",
                                                                              ""):
                continue
            for url, names, has_token in forms_on(response.content.decode(), path):
                if not has_token:
                    without_token.append((path, url))
                posted_forms.add((key, url, tuple(names)))
                if names and not url.startswith(SKIP_ACTIONS):
                    found.append((key, url, tuple(names)))
            break
    # destructive forms last, so that the others still find their objects
    found = sorted(set(found), key=lambda f: ("delete" in f[1] or "remove" in f[1], f[1]))
    assert len(found) > 60, found
    assert not without_token, f"POST forms without a CSRF token: {without_token}"
    # a post without the token is refused on every form (no view is exempt)
    strict = {"anon": Client(enforce_csrf_checks=True)}
    for key in ("alice", "mia"):
        strict[key] = Client(enforce_csrf_checks=True)
        strict[key].force_login(world.people[key])
    unprotected = [(key, url) for key, url, names in sorted(posted_forms)
                   if strict[key].post(url, dict.fromkeys(names, "x")).status_code != 403]
    assert not unprotected, f"accepted without a CSRF token: {unprotected}"
    failures = []
    for key, url, names in found:
        client = clients[key]

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.fixed_dictionaries(dict.fromkeys(names, VALUES)))
        def post(data):  # run at once, inside this iteration of the loop
            response = client.post(url, data)  # noqa: B023
            assert response.status_code < 500, (url, data)  # noqa: B023
            if response.status_code == 400:
                body = response.content.decode()
                plain = response.get("Content-Type", "").startswith("text/plain") and body
                assert plain or any(marker in body for marker in REFUSAL), (
                    url, "400 without reason")  # noqa: B023

        try:
            post()
        except AssertionError as error:
            failures.append(str(error)[:500])
    assert not failures, "\n".join(failures)
    print(f"fuzzed: {len(found)} forms × {EXAMPLES} inputs; "
          f"all {len(posted_forms)} POST forms refused a post without a CSRF token")
