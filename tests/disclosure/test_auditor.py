"""The auditor (tests/disclosure/auditor.py) attacks everything a role can see of a wave.

On a generated programme with many small groups – municipalities of two to forty answer sets,
clusters of one to four, answer sets without a municipality, people who do not say their
perspective, "don't know" answers, minimum group sizes of 3, 4 and 5 in three waves – and on
the demo programme, for institute staff, a cluster coordinator and a municipal coordinator: no
withheld count may be pinned or narrowed below the minimum. And the attack is real: with the
complementary suppression switched off it finds the small groups at once.
"""

from __future__ import annotations

import datetime as dt
import random

from django.test import Client
from django.utils import timezone

from qdialog.surveys import schema, services
from qdialog.surveys.default_instrument import INSTRUMENT
from qdialog.surveys.demo import generate_answers
from qdialog.surveys.models import Response
from qdialog.tenancy.models import (
    Cluster,
    ClusterRole,
    Membership,
    Municipality,
    Programme,
    Role,
)
from tests.conftest import make_user
from tests.disclosure import auditor

SIZES = [2, 3, 4, 6, 9, 14, 25, 40, 3, 5, 7, 2]


def _generated(minimums=(3, 4, 5), seed=7):
    """A programme of twelve municipalities, most of them small, and three closed waves."""
    rng = random.Random(seed)
    programme = Programme.objects.create(name="Generiert", slug="generated")
    clusters = [Cluster.objects.create(programme=programme, number=n, name=f"Cluster {n}")
                for n in range(1, 5)]
    layout = [0, 0, 0, 0, 1, 1, 2, 3, 3, 3, None, None]  # cluster 3 has one member only
    municipalities = []
    for n, cluster in enumerate(layout):
        municipalities.append(Municipality.objects.create(
            programme=programme, cluster=clusters[cluster] if cluster is not None else None,
            name=f"Kommune {n:02d}", kind="landkreis", state="NI",
            cluster_role=ClusterRole.MODEL if n % 4 == 0 else ClusterRole.PARTNER))
    people = {
        "institute": make_user("gen-institute@example.org"),
        "cluster": make_user("gen-cluster@example.org"),
        "municipal": make_user("gen-municipal@example.org"),
    }
    Membership.objects.create(user=people["institute"], role=Role.INSTITUTE_STAFF,
                              programme=programme)
    Membership.objects.create(user=people["cluster"], role=Role.CLUSTER_COORDINATOR,
                              programme=programme, cluster=clusters[0])
    Membership.objects.create(user=people["municipal"], role=Role.MUNICIPAL_COORDINATOR,
                              programme=programme, municipality=municipalities[1])
    instrument = services.instrument_create_from_spec(actor=None, programme=programme,
                                                      spec=INSTRUMENT)
    compiled = schema.compiled(instrument)
    today = timezone.localdate()
    waves = []
    for t, minimum in enumerate(minimums):
        wave = services.wave_create(actor=None, instrument=instrument, fields={
            "title": f"Welle {t}", "timepoint": t, "min_group_size": minimum,
            "opens_on": today - dt.timedelta(days=3), "closes_on": today + dt.timedelta(3)})
        services.wave_open(actor=None, wave=wave)
        rows = []
        for municipality, size in [*zip(municipalities, SIZES), (None, 4)]:
            for _ in range(max(1, size + rng.randint(-1, 1))):
                answers = generate_answers(compiled, rng, rng.uniform(2.6, 3.6))
                if rng.random() < 0.08:  # someone who does not say their perspective
                    answers["perspective"] = schema.NOT_ANSWERED
                for name in list(answers):
                    if name.startswith("std_") and rng.random() < 0.1:
                        answers[name] = schema.DONT_KNOW
                perspective, system = services._grouping(compiled, answers)
                rows.append(Response(wave=wave, municipality=municipality, language="de",
                                     submitted_on=today, perspective=perspective,
                                     professional_system=system, answers=answers,
                                     vector=schema.vectorize(compiled, answers)))
        Response.objects.bulk_create(rows)
        services.wave_close(actor=None, wave=wave)
        wave.refresh_from_db()
        waves.append(wave)
    return programme, waves, people


def _client(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _audit(client, wave, pages=3):
    units = auditor.collect(client, wave)
    assert not auditor.check_pages(client, wave, units, sample=pages)
    return units, auditor.audit(units, auditor.structure_of(wave), wave.min_group_size)


def test_no_withheld_count_can_be_worked_out_in_a_generated_programme(db):
    _, waves, people = _generated()
    totals = {"checked": 0, "published": 0}
    for number, wave in enumerate(waves):
        # institute staff see every unit of every wave; the coordinators' parts are subsets of
        # it, attacked in the first wave
        roles = people.items() if number == 0 else [("institute", people["institute"])]
        for role, user in roles:
            units, report = _audit(_client(user), wave, pages=3 if number == 0 else 1)
            assert units, role
            assert report.findings == [], (role, wave.min_group_size, report.findings[:5])
            totals["checked"] += report.checked
            totals["published"] += report.published_cells
        # institute staff see every unit (a cluster of one municipality is that
        # municipality); the others only their own part
        assert len(auditor.collect(_client(people["institute"]), wave)) == 12 + 3 + 1
    assert len(auditor.collect(_client(people["municipal"]), waves[0])) == 1
    assert totals["checked"] > 300  # many withheld counts were attacked
    print(f"auditor (generated programme, 3 waves; institute staff in all, coordinators in "
          f"one): {totals['checked']} withheld counts attacked, {totals['published']} "
          "published figures, 0 narrowed down")


def test_the_attack_finds_small_groups_when_protection_is_off(db, monkeypatch):
    """Check of the check: with only the small cells withheld (no complementary cells), the
    linear program works them out from the other figures."""
    from qdialog.disclosure import tables

    monkeypatch.setattr(tables, "protect", lambda table, minimum, hidden=None:
                        set(hidden or ()) | tables.primary(table, minimum))
    monkeypatch.setattr(tables, "protect_column", lambda table, minimum, hidden=():
                        set(hidden) | {u for u in table.tree.nodes
                                       if u not in table.tree.published
                                       or 0 < table.value((u, tables.TOTAL)) < minimum})
    _, waves, people = _generated(minimums=(5,))
    _, report = _audit(_client(people["institute"]), waves[0])
    assert len(report.findings) > 20
    assert any(f.low == f.high for f in report.findings)  # pinned to one value


def test_no_withheld_count_can_be_worked_out_in_the_demo(db):
    from qdialog.accounts.models import User
    from qdialog.surveys.models import Wave
    from qdialog.tenancy.demo import demo_email, demo_load

    demo_load()
    wave = Wave.objects.get(timepoint=0, municipality__isnull=True, status="closed")
    checked = 0
    for local in ("institut", "cluster", "koordination"):
        user = User.objects.get(email=demo_email(local))
        units, report = _audit(_client(user), wave)
        assert units and report.findings == [], (local, report.findings[:5])
        checked += report.checked
    assert checked > 300
    print(f"auditor (demo, baseline wave, 3 roles): {checked} withheld counts attacked, "
          "0 narrowed down")
