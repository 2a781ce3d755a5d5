"""Who may open and post what of the reporting systems."""

import pytest
from django.urls import reverse

from qdialog.incidents.models import IncidentStatus, ReportingSystem
from tests.conftest import ROLES
from tests.processes.test_processes import expect

MEMBERS = {"alice", "carol", "mia", "paul"}
CASES = [
    ("municipality", lambda w, s, r, p: reverse("incidents:municipality", args=[w.m1.pk]),
     expect(MEMBERS)),
    ("programme", lambda w, s, r, p: reverse("incidents:programme", args=["alpha"]),
     expect(MEMBERS | {"oscar"})),
    ("settings", lambda w, s, r, p: reverse("incidents:settings", args=[s.pk]),
     expect({"alice", "mia"})),
    ("queue", lambda w, s, r, p: reverse("incidents:queue", args=[s.pk]), expect({"mia"})),
    ("detail", lambda w, s, r, p: reverse("incidents:detail", args=[r.pk]), expect({"mia"})),
    ("detail_published", lambda w, s, r, p: reverse("incidents:detail", args=[p.pk]),
     expect(MEMBERS)),
]
PUBLIC = {"report", "followup"}
POST_ONLY = {"municipality_create", "programme_create", "triage", "check", "publish", "ask"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, system, received, published, role, name, url, expected):
    response = client_for(role).get(url(world, system, received, published))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_url_has_an_access_case():
    from qdialog.incidents.urls import urlpatterns

    covered = {c[0] for c in CASES} | PUBLIC | POST_ONLY | {"detail"}
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_reviewers_post(client_for, world, received, role):
    client = client_for(role)
    for name, data in [("triage", {"category": "other", "expert_comment": "x"}),
                       ("check", {"action": "checked"}),
                       ("publish", {"title": "x", "text": "y"})]:
        assert client.post(reverse(f"incidents:{name}", args=[received.pk]), data) \
            .status_code in (302, 404)
    received.refresh_from_db()
    assert received.status == IncidentStatus.RECEIVED and not received.expert_comment


@pytest.mark.parametrize("role,status", [("carol", 404), ("paul", 404), ("oscar", 404),
                                         ("alice", 302), ("mia", 302)])
def test_who_sets_up_a_reporting_system(client_for, world, role, status):
    response = client_for(role).post(reverse("incidents:municipality_create", args=[world.m1.pk]))
    assert response.status_code == status
    assert ReportingSystem.objects.filter(municipality=world.m1).exists() == (status == 302)


def test_programme_system_by_institute_staff(client_for, world):
    assert client_for("mia").post(reverse("incidents:programme_create", args=["alpha"])) \
        .status_code == 404
    assert client_for("alice").post(reverse("incidents:programme_create", args=["alpha"])) \
        .status_code == 302
    system = ReportingSystem.objects.get(programme=world.a, municipality__isnull=True)
    assert list(system.reviewers.all()) == [world.people["alice"]]
    assert client_for("oscar").get(reverse("incidents:programme", args=["alpha"])) \
        .status_code == 200
    assert client_for("oscar").get(reverse("incidents:queue", args=[system.pk])) \
        .status_code == 404


# --- the public form ---------------------------------------------------------------------------
