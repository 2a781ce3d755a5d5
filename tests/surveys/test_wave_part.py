"""A municipality's part of a programme-wide wave: its coordinators make and print their own
codes and follow their response count; nobody else's codes, no other municipality's part."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qdialog.core.models import AuditEntry
from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, CodeKind
from tests.analysis.test_results import SMALL


@pytest.fixture
def programme_wave(world):
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Programmweit", "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=9), "allow_group_code": True})
    services.wave_open(actor=None, wave=wave)
    wave.refresh_from_db()
    services.codes_generate(actor=None, wave=wave, count=5, municipality=world.m3)
    return wave


def _url(name, wave, municipality, *args):
    return reverse(f"surveys:{name}", args=[wave.pk, municipality.pk, *args])


@pytest.mark.parametrize("role,status", [
    ("mia", 200), ("carol", 200), ("alice", 200), ("oscar", 404), ("paul", 404), ("zoe", 404),
    ("anon", 302)])
def test_who_sees_the_part_of_landkreis_eins(client_for, world, programme_wave, role, status):
    assert client_for(role).get(_url("wave_part", programme_wave, world.m1)).status_code == status


def test_coordinator_makes_and_prints_her_own_codes(client_for, world, programme_wave):
    client = client_for("mia")
    response = client.post(_url("part_codes_create", programme_wave, world.m1), {"count": "12"})
    assert response.status_code == 302
    assert AccessCode.objects.filter(wave=programme_wave, municipality=world.m1,
                                     kind=CodeKind.PERSONAL).count() == 12
    entry = AuditEntry.objects.filter(action="create", municipality=world.m1).latest("pk")
    assert "12 personal codes" in entry.summary
    page = client.get(_url("wave_part", programme_wave, world.m1)).content.decode()
    assert "12 codes were made." in page or "12 Codes wurden erstellt." in page
    csv = client.get(_url("part_codes_download", programme_wave, world.m1, "csv"))
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 13  # header and her 12, none of Landkreis Drei's 5
    assert all("Landkreis Drei" not in line for line in lines)
    pdf = client.get(_url("part_codes_download", programme_wave, world.m1, "pdf"))
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", municipality=world.m1,
                                     summary__contains="Landkreis Eins").exists()
    assert client.get(_url("part_codes_download", programme_wave, world.m1, "exe")) \
        .status_code == 404


def test_bad_code_count_is_refused_with_the_input_kept(client_for, world, programme_wave):
    client = client_for("mia")
    response = client.post(_url("part_codes_create", programme_wave, world.m1), {"count": "0"})
    assert response.status_code == 400
    assert 'value="0"' in response.content.decode()
    assert not AccessCode.objects.filter(municipality=world.m1).exists()


def test_group_code_of_her_municipality(client_for, world, programme_wave):
    client = client_for("mia")
    client.post(_url("part_group_code", programme_wave, world.m1))
    code = AccessCode.objects.get(wave=programme_wave, kind=CodeKind.GROUP)
    assert code.municipality == world.m1
    assert code.code in client.get(_url("wave_part", programme_wave, world.m1)).content.decode()


def test_another_municipality_part_is_refused_on_every_route(client_for, world,
                                                             programme_wave):
    client = client_for("mia")
    for name, args in (("wave_part", ()), ("part_codes_download", ("csv",))):
        assert client.get(_url(name, programme_wave, world.m3, *args)).status_code == 404
    for name in ("part_codes_create", "part_group_code"):
        assert client.post(_url(name, programme_wave, world.m3),
                           {"count": "3"}).status_code == 404
    assert AccessCode.objects.filter(municipality=world.m3).count() == 5


def test_the_municipality_surveys_page_leads_to_the_part(client_for, world, programme_wave):
    page = client_for("mia").get(reverse("surveys:municipality_waves", args=[world.m1.pk]))
    assert _url("wave_part", programme_wave, world.m1) in page.content.decode()
