"""The central scope: one query per request, and the right reach for each role."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qdialog.tenancy.scope import scope_for


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_institute_staff_reach_their_programme(world):
    scope = scope_for(world.people["alice"])
    assert names(scope.municipalities()) == ["Landkreis Drei", "Landkreis Eins", "Stadt Zwei"]
    assert list(scope.programmes()) == [world.a]
    assert scope.requires_mfa


def test_cluster_coordinator_reaches_their_cluster(world):
    scope = scope_for(world.people["carol"])
    assert names(scope.municipalities()) == ["Landkreis Eins", "Stadt Zwei"]
    assert not scope.programmes().exists()
    assert list(scope.clusters()) == [world.a1]
    assert not scope.managed_municipalities().exists()


def test_municipal_roles_reach_their_municipality(world):
    mia, paul = scope_for(world.people["mia"]), scope_for(world.people["paul"])
    assert names(mia.municipalities()) == names(paul.municipalities()) == ["Landkreis Eins"]
    assert names(mia.managed_municipalities()) == ["Landkreis Eins"]
    assert not paul.managed_municipalities().exists()
    assert mia.requires_mfa and not paul.requires_mfa
    assert sorted(paul.organisations().values_list("name", flat=True)) == [
        "Jugendamt Landkreis Eins"]


def test_anonymous_and_inactive_see_nothing(world):
    assert scope_for(AnonymousUser()).is_empty
    alice = world.people["alice"]
    alice.is_active = False
    alice.save()
    assert scope_for(alice).is_empty
    assert not scope_for(alice).municipalities().exists()


def test_scope_is_resolved_with_one_query_and_cached(world):
    user = world.people["carol"]
    with CaptureQueriesContext(connection) as ctx:
        scope_for(user)
        scope_for(user)
    assert len(ctx) == 1
