"""The results API: authenticated, scoped, suppressed like the web pages, described by OpenAPI."""

import json

from django.test import Client

from qdialog.api.models import ApiToken
from tests.analysis.test_results import close, store, wave  # noqa: F401 - fixture


def bearer(user):
    _, token = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_openapi_description():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["info"]["version"] == "1.0.0"
    assert "/api/v1/waves/{wave_id}/results" in spec["paths"]


def test_authentication_required(db):
    assert Client().get("/api/v1/waves").status_code == 401
    assert Client(headers={"Authorization": "Bearer nonsense"}).get("/api/v1/waves") \
        .status_code == 401


def test_results_with_a_token_are_suppressed(world, wave):  # noqa: F811
    for i in range(12):
        store(wave, world.m1, 1 if i < 9 else 2, 1 + i % 5)
    client = bearer(world.people["alice"])
    waves = client.get("/api/v1/waves").json()
    assert [w["id"] for w in waves] == [wave.pk]
    open_wave = client.get(f"/api/v1/waves/{wave.pk}/results").json()
    assert open_wave["available"] is False and open_wave["items"] == []
    close(wave)
    data = client.get(f"/api/v1/waves/{wave.pk}/results").json()
    assert data["available"] is True and data["n"] == 12
    groups = {g["key"]: g for g in data["perspectives"]}
    assert groups["2"]["n"] is None and groups["2"]["suppressed"] == "withheld"
    q1 = next(i for i in data["items"] if i["variable"] == "q1")
    assert q1["overall"]["figures"]["n_valid"] == 12
    mean = q1["overall"]["figures"]["mean"]
    assert mean == round(mean, 2)  # no more precision than the pages show
    by = {g["key"]: g for g in q1["by_perspective"]}
    assert by["2"]["mean"] is None and by["1"]["mean"] is None  # complementary
    assert set(by["1"]) == {"key", "mean", "suppressed"}  # a group: its mean only
    assert data["dimensions"][0]["name"] == "d"


def test_results_are_scoped(world, wave):  # noqa: F811
    for _i in range(8):
        store(wave, world.m1, 1, 3)
        store(wave, world.m2, 1, 4)
    close(wave)
    mia = bearer(world.people["mia"])
    assert mia.get(f"/api/v1/waves/{wave.pk}/results").json()["n"] == 8
    assert mia.get(f"/api/v1/waves/{wave.pk}/results?municipality={world.m2.pk}") \
        .status_code == 404
    assert bearer(world.people["zoe"]).get(f"/api/v1/waves/{wave.pk}/results").status_code == 404
    assert bearer(world.people["paul"]).get(f"/api/v1/waves/{wave.pk}/results") \
        .status_code == 404
    alice = bearer(world.people["alice"])
    assert alice.get(f"/api/v1/waves/{wave.pk}/results?municipality={world.mb.pk}") \
        .status_code == 404
    assert alice.get("/api/v1/waves/999999/results").status_code == 404


def test_expired_token_is_refused(world):
    import datetime as dt

    _, token = ApiToken.issue(user=world.people["alice"], name="old",
                              expires_on=dt.date(2020, 1, 1))
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/waves") \
        .status_code == 401


def test_token_command(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", "alice@example.org", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("qd_") and ApiToken.objects.get().key_hash != token
