"""Lists and dashboards run a fixed number of queries, however much data there is (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.tenancy.models import Membership, Municipality, Organisation, Role
from tests.conftest import make_user

PAGES = [
    ("alice", lambda w: reverse("home")),
    ("mia", lambda w: reverse("home")),
    ("alice", lambda w: reverse("tenancy:programme", args=["alpha"])),
    ("alice", lambda w: reverse("tenancy:cluster", args=["alpha", 1])),
    ("carol", lambda w: reverse("tenancy:cluster", args=["alpha", 1])),
    ("mia", lambda w: reverse("tenancy:municipality", args=[w.m1.pk])),
    ("mia", lambda w: reverse("tenancy:organisations", args=[w.m1.pk])),
    ("mia", lambda w: reverse("tenancy:members", args=[w.m1.pk])),
    ("mia", lambda w: reverse("tenancy:municipality_audit", args=[w.m1.pk])),
    ("alice", lambda w: reverse("tenancy:programme_audit", args=["alpha"])),
    ("paul", lambda w: reverse("profile")),
]
MAX_QUERIES = 16


def grow(world, n=12):
    """Add municipalities, organisations, people and audit entries everywhere."""
    for i in range(n):
        m = Municipality.objects.create(programme=world.a, cluster=world.a1, name=f"Extra {i}",
                                        kind="landkreis", state="BY")
        org = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                          name=f"Träger {i}", professional_system="school")
        Organisation.objects.create(programme=world.a, municipality=m, name=f"Kita {i}",
                                    professional_system="kita")
        user = make_user(f"extra{i}@example.org", f"Extra {i}")
        Membership.objects.create(user=user, role=Role.PARTICIPANT, programme=world.a,
                                  municipality=world.m1, organisation=org)
        Membership.objects.create(user=user, role=Role.MUNICIPAL_COORDINATOR,
                                  programme=world.a, municipality=m)
        log_action(actor=user, action="update", obj=org, summary=note("x"))
        log_action(actor=user, action="create", obj=m, summary=note("x"))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who,url", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_query_count_does_not_grow_with_data(client_for, world, who, url):
    client = client_for(who)
    target = url(world)
    log_action(actor=world.people["mia"], action="update", obj=world.m1, summary=note("first"))
    small = count_queries(client, target)
    grow(world)
    large = count_queries(client, target)
    assert small <= MAX_QUERIES, small
    assert large == small, f"{target}: {small} queries with little data, {large} with more"
