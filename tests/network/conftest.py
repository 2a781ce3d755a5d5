"""The network's fixtures: two more organisations of M1 and a § 8a relation of the youth office
with the school."""

import pytest

from qdialog.network.models import Relation
from qdialog.tenancy.models import Organisation
from tests.conftest import ROLES

OK, NOT_FOUND, LOGIN = 200, 404, "login"
VIEWERS = {"alice", "carol", "mia", "paul"}
MANAGERS = {"alice", "mia"}
#: who reads the municipality's log (and so a relation's history)
LOG_READERS = {"alice", "carol", "mia"}


def expect(allowed):
    return {r: (LOGIN if r == "anon" else OK if r in allowed else NOT_FOUND) for r in ROLES}


@pytest.fixture
def orgs(world):
    school = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name="Grundschule Eins", professional_system="school")
    clinic = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name="Klinikum Eins", professional_system="health")
    asd = world.orgs[world.m1.pk]
    Relation.objects.create(municipality=world.m1, source=asd, target=school, kind="p8a",
                            strength=3)
    return asd, school, clinic
