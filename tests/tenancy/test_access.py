"""Every view for every person: allowed (200), not found (404) or sent to log in (302)."""

import pytest
from django.urls import reverse

from tests.conftest import ROLES

OK, NOT_FOUND, LOGIN = 200, 404, "login"


def expect(allowed, everyone_else=NOT_FOUND):
    """Expected outcome per role: `allowed` roles get 200, anon is sent to log in."""
    return {role: (LOGIN if role == "anon" else OK if role in allowed else everyone_else)
            for role in ROLES}


# (name, url builder, expected per role)
CASES = [
    ("home", lambda w: reverse("home"),
     {**expect(ROLES), "anon": OK}),
    ("profile", lambda w: reverse("profile"), expect(ROLES)),
    ("programme", lambda w: reverse("tenancy:programme", args=["alpha"]), expect({"alice"})),
    ("programme_edit", lambda w: reverse("tenancy:programme_edit", args=["alpha"]),
     expect({"alice"})),
    ("programme_invite", lambda w: reverse("tenancy:programme_invite", args=["alpha"]),
     expect({"alice"})),
    ("programme_audit", lambda w: reverse("tenancy:programme_audit", args=["alpha"]),
     expect({"alice"})),
    ("programme_beta", lambda w: reverse("tenancy:programme", args=["beta"]), expect({"zoe"})),
    ("cluster_create", lambda w: reverse("tenancy:cluster_create", args=["alpha"]),
     expect({"alice"})),
    ("cluster", lambda w: reverse("tenancy:cluster", args=["alpha", 1]),
     expect({"alice", "carol"})),
    ("cluster_other", lambda w: reverse("tenancy:cluster", args=["alpha", 2]),
     expect({"alice"})),
    ("cluster_edit", lambda w: reverse("tenancy:cluster_edit", args=["alpha", 1]),
     expect({"alice"})),
    ("municipality_create", lambda w: reverse("tenancy:municipality_create", args=["alpha"]),
     expect({"alice"})),
    ("municipality", lambda w: reverse("tenancy:municipality", args=[w.m1.pk]),
     expect({"alice", "carol", "mia", "paul"})),
    ("municipality_partner", lambda w: reverse("tenancy:municipality", args=[w.m2.pk]),
     expect({"alice", "carol"})),
    ("municipality_other_cluster", lambda w: reverse("tenancy:municipality", args=[w.m3.pk]),
     expect({"alice", "oscar"})),
    ("municipality_beta", lambda w: reverse("tenancy:municipality", args=[w.mb.pk]),
     expect({"zoe"})),
    ("municipality_edit", lambda w: reverse("tenancy:municipality_edit", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("municipality_audit", lambda w: reverse("tenancy:municipality_audit", args=[w.m1.pk]),
     expect({"alice", "carol", "mia"})),
    ("organisations", lambda w: reverse("tenancy:organisations", args=[w.m1.pk]),
     expect({"alice", "carol", "mia", "paul"})),
    ("organisation_create", lambda w: reverse("tenancy:organisation_create", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("organisation_edit", lambda w: reverse("tenancy:organisation_edit",
                                            args=[w.m1.pk, w.orgs[w.m1.pk].pk]),
     expect({"alice", "mia"})),
    ("organisation_edit_foreign_org", lambda w: reverse("tenancy:organisation_edit",
                                                        args=[w.m1.pk, w.orgs[w.m3.pk].pk]),
     expect(set())),
    ("organisation_delete", lambda w: reverse("tenancy:organisation_delete",
                                              args=[w.m1.pk, w.orgs[w.m1.pk].pk]),
     expect({"alice", "mia"})),
    ("members", lambda w: reverse("tenancy:members", args=[w.m1.pk]),
     expect({"alice", "carol", "mia", "paul"})),
    ("member_invite", lambda w: reverse("tenancy:member_invite", args=[w.m1.pk]),
     expect({"alice", "mia"})),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_view_access(client_for, world, role, name, url, expected):
    target = url(world)
    response = client_for(role).get(target)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want, f"{role} on {target}"
    if want == NOT_FOUND:
        # nothing of the foreign object leaks into the 404 page
        for obj in (world.m1, world.m2, world.m3, world.mb, world.b):
            assert obj.name.encode() not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_member_remove_requires_manager(client_for, world, role):
    membership = world.memberships["paul"]
    url = reverse("tenancy:member_remove", args=[world.m1.pk, membership.pk])
    response = client_for(role).post(url)
    from qdialog.tenancy.models import Membership

    still_there = Membership.objects.filter(pk=membership.pk).exists()
    if role in {"alice", "mia"}:
        assert response.status_code == 302 and not still_there
    elif role == "anon":
        assert response.status_code == 302 and still_there
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 404 and still_there


def test_member_remove_needs_post(client_for, world):
    url = reverse("tenancy:member_remove", args=[world.m1.pk, world.memberships["paul"].pk])
    assert client_for("mia").get(url).status_code == 405


def test_membership_of_other_municipality_is_not_found(client_for, world):
    url = reverse("tenancy:member_remove", args=[world.m1.pk, world.memberships["oscar"].pk])
    assert client_for("alice").post(url).status_code == 404


def test_every_tenancy_url_has_an_access_case():
    """A new URL without a row in CASES fails here, so nobody forgets its access test."""
    from qdialog.tenancy.urls import urlpatterns

    covered = {c[0] for c in CASES} | {"member_remove"}
    names = {p.name for p in urlpatterns}
    missing = {n for n in names if n not in covered}
    assert not missing, f"add access cases for {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_operators_only(client_for, world, role):
    response = client_for(role).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_operator_reaches_admin(client, world):
    from qdialog.accounts.models import User

    client.force_login(User.objects.create_superuser(email="op@example.org", password="x" * 12))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tenancy/municipality/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 200
