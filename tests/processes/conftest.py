"""Fixtures of the process tests: a municipality's process with a steering group, and a
workshop of it to which two organisations are invited."""

import datetime as dt

import pytest
from django.utils import timezone

from qdialog.processes import services
from qdialog.tenancy.models import Organisation


@pytest.fixture
def process(world):
    p = services.process_create(actor=world.people["mia"], municipality=world.m1,
                                fields={"title": "QE Landkreis Eins",
                                        "started_on": dt.date(2026, 3, 1)})
    group = services.group_save(actor=None, process=p, fields={"kind": "steering",
                                                               "name": "Steuerungsgruppe"})
    services.group_member_add(actor=None, group=group, organisation=world.orgs[world.m1.pk])
    return p


@pytest.fixture
def event(world, process):
    start = timezone.make_aware(dt.datetime(2030, 12, 3, 9, 0))
    e = services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "1. QE-Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=7), "place": "Kreishaus"})
    school = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                         name="Grundschule Eins", professional_system="school")
    services.event_invite(actor=None, event=e, organisations=[world.orgs[world.m1.pk], school])
    return e
