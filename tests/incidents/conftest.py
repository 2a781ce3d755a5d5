"""Fixtures of the incident tests: a municipality's reporting system, a received and a
published report."""

import pytest

from qdialog.incidents import services
from tests.incidents.support import file_report


@pytest.fixture
def system(world):
    return services.system_create(actor=world.people["mia"], programme=world.a,
                                  municipality=world.m1)


@pytest.fixture
def received(system):
    return file_report(system)[0]


@pytest.fixture
def published(world, system):
    report, _ = file_report(system)
    services.triage_save(actor=None, report=report, fields={
        "category": "information", "expert_comment": "Vertretung für Postfächer regeln."})
    services.finish_check(actor=None, report=report)
    services.report_publish(actor=None, report=report, title="Mitteilung bleibt liegen",
                     text="Eine Mitteilung blieb im Postfach liegen.", featured=True)
    return report

