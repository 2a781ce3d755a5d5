"""Shared fixtures: two programmes and the people whose access every view test checks.

Programme A ("alpha"): cluster 1 with M1 (model) and M2 (partner); cluster 2 with M3.
Programme B ("beta"): cluster 1 with MB.

People (after healthchecks' alice/bob/charlie):
  alice  institute staff of programme A
  carol  cluster coordinator of A / cluster 1
  mia    municipal coordinator of M1
  paul   participant in M1
  oscar  outsider: municipal coordinator of M3 (same programme, other cluster)
  zoe    outsider: institute staff of programme B
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from qdialog.tenancy.models import (
    Cluster,
    ClusterRole,
    EvaluationMode,
    Membership,
    Municipality,
    Organisation,
    ProfessionalSystem,
    Programme,
    Role,
)

PASSWORD = "correct horse battery"
ROLES = ["anon", "alice", "carol", "mia", "paul", "oscar", "zoe"]

pytest_plugins = ["tests.objectstore"]  # the S3 server and bucket fixtures


@pytest.fixture(autouse=True, scope="session")
def _audit_walk():
    """Every service call in the suite is checked for its audit entry (tests/audit_walk.py)."""
    from tests.audit_walk import install

    install()


@pytest.fixture(autouse=True, scope="session")
def _test_code_unscoped():
    """Test code sets up and inspects every programme; the requests it makes are fenced by the
    middleware as in production (tests/core/test_fence.py checks the fence itself)."""
    from qdialog.core.scoping import unscoped

    with unscoped("test code arranges and inspects data of several programmes"):
        yield


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.QDIALOG_SCOPE_ERRORS_RAISE = True
    settings.QDIALOG_RESULTS_WARM = False  # tests/analysis/test_pages.py turns it on
    # Argon2 is tested on its own (tests/accounts); elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.core.cache import cache

    cache.clear()  # rate-limit counters start at zero in every test


def make_user(email, name=""):
    from qdialog.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, display_name=name)


def build_world():
    a = Programme.objects.create(name="Programme Alpha", slug="alpha", funder="Fund A",
                                 starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31))
    b = Programme.objects.create(name="Programme Beta", slug="beta")
    a1 = Cluster.objects.create(programme=a, number=1, name="North")
    a2 = Cluster.objects.create(programme=a, number=2, name="South")
    b1 = Cluster.objects.create(programme=b, number=1, name="Beta One")

    def muni(programme, cluster, name, role=ClusterRole.PARTNER, mode=EvaluationMode.NONE):
        return Municipality.objects.create(programme=programme, cluster=cluster, name=name,
                                           kind="landkreis", state="NI", population=100_000,
                                           cluster_role=role, evaluation_mode=mode)

    m1 = muni(a, a1, "Landkreis Eins", ClusterRole.MODEL, EvaluationMode.EXTERNAL)
    m2 = muni(a, a1, "Stadt Zwei")
    m3 = muni(a, a2, "Landkreis Drei", ClusterRole.MODEL, EvaluationMode.SELF)
    mb = muni(b, b1, "Landkreis Beta")
    institute = Organisation.objects.create(programme=a, name="Institut A",
                                            professional_system=ProfessionalSystem.INSTITUTE)
    orgs = {}
    for m in (m1, m2, m3, mb):
        orgs[m.pk] = Organisation.objects.create(
            programme=m.programme, municipality=m, name=f"Jugendamt {m.name}",
            professional_system=ProfessionalSystem.YOUTH_OFFICE)
    people = {
        "alice": make_user("alice@example.org", "Alice Institut"),
        "carol": make_user("carol@example.org", "Carol Cluster"),
        "mia": make_user("mia@example.org", "Mia Koordination"),
        "paul": make_user("paul@example.org", "Paul Fachkraft"),
        "oscar": make_user("oscar@example.org", "Oscar Outsider"),
        "zoe": make_user("zoe@example.org", "Zoe Beta"),
    }
    memberships = {
        "alice": Membership.objects.create(user=people["alice"], role=Role.INSTITUTE_STAFF,
                                           programme=a, organisation=institute),
        "carol": Membership.objects.create(user=people["carol"], role=Role.CLUSTER_COORDINATOR,
                                           programme=a, cluster=a1),
        "mia": Membership.objects.create(user=people["mia"], role=Role.MUNICIPAL_COORDINATOR,
                                         programme=a, municipality=m1, organisation=orgs[m1.pk]),
        "paul": Membership.objects.create(user=people["paul"], role=Role.PARTICIPANT,
                                          programme=a, municipality=m1),
        "oscar": Membership.objects.create(user=people["oscar"],
                                           role=Role.MUNICIPAL_COORDINATOR, programme=a,
                                           municipality=m3),
        "zoe": Membership.objects.create(user=people["zoe"], role=Role.INSTITUTE_STAFF,
                                         programme=b),
    }
    return SimpleNamespace(a=a, b=b, a1=a1, a2=a2, b1=b1, m1=m1, m2=m2, m3=m3, mb=mb,
                           institute=institute, orgs=orgs, people=people,
                           memberships=memberships)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(world):
    """client_for("mia") is a test client logged in as mia; "anon" is logged out."""

    def make(role):
        client = Client(headers={"Accept-Language": "en"})
        if role != "anon":
            client.force_login(world.people[role])
        return client

    return make
