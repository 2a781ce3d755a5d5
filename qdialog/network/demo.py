"""Demo networks: model municipalities get 15–25 organisations and cooperation relations."""

from __future__ import annotations

import random

from qdialog.tenancy.models import Organisation

from .models import ContactPerson, Relation

EXTRA = [("Kita Regenbogen {n}", "kita"), ("Kita Löwenzahn {n}", "kita"),
         ("Gesamtschule {n}", "school"), ("Förderschule {n}", "school"),
         ("Kinderarztpraxis am Markt, {n}", "health"), ("Hebammenpraxis {n}", "health"),
         ("Jugendhilfeverbund {n} gGmbH", "independent_provider"),
         ("Frauenhaus {n}", "counselling"), ("Jobcenter {n}", "job_centre"),
         ("Schulpsychologischer Dienst {n}", "counselling")]


def load(programme) -> None:
    rng = random.Random(8)
    for municipality in programme.municipalities.filter(cluster_role="model"):
        short = municipality.name.split(" ", 1)[-1]
        count = rng.randint(5, len(EXTRA))
        Organisation.objects.bulk_create(
            Organisation(programme=programme, municipality=municipality,
                         name=name.format(n=short), professional_system=system)
            for name, system in EXTRA[:count])
        organisations = list(municipality.organisations.all())
        hub = next(o for o in organisations if o.professional_system == "youth_office")
        chosen = []  # (source, target, kind, strength)
        for org in organisations:
            if org.pk != hub.pk and rng.random() < 0.8:
                kind = "p8a" if org.professional_system in ("independent_provider", "kita") \
                    else rng.choice(["written", "informal", "case"])
                chosen.append((hub, org, kind, rng.randint(1, 3)))
        for _ in range(len(organisations) // 2):
            a, b = rng.sample(organisations, 2)
            if hub.pk not in (a.pk, b.pk):
                chosen.append((a, b, "informal", rng.randint(1, 2)))
        relations, pairs = [], set()
        for source, target, kind, strength in chosen:
            if frozenset((source.pk, target.pk)) not in pairs:  # one per pair, either way
                pairs.add(frozenset((source.pk, target.pk)))
                relations.append(Relation(municipality=municipality, source=source,
                                          target=target, kind=kind, strength=strength))
        Relation.objects.bulk_create(relations)
        ContactPerson.objects.create(organisation=hub, name="Kinderschutzkoordination",
                                     function="ASD-Leitung",
                                     email=f"kinderschutz@{short.lower()}.example.org")


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.programme)
