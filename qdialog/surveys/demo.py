"""Survey data for the demo programme: the default instrument, a closed baseline wave (t0) with
generated answer sets for every municipality, a closed follow-up (t1) for every municipality, so
that results can be compared, and an open wave (t2) in the first municipality with codes to try.

The answers are generated from a simple model so that analysis has something to find: each
municipality has its own level, perspectives differ (management rates higher than front-line
staff and cooperation partners), and the follow-up is slightly better than the baseline.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from . import mixing, schema, services
from .default_instrument import INSTRUMENT
from .models import AccessCode, CodeKind, Response, Wave, WaveStatus

PERSPECTIVE_SHIFT = {1: 0.45, 2: 0.0, 3: -0.2, 4: -0.35}
PERSPECTIVE_WEIGHTS = [(1, 0.15), (2, 0.55), (3, 0.12), (4, 0.18)]
TEXTS_GOOD = [
    "Die Zusammenarbeit mit den Kitas hat sich spürbar verbessert.",
    "Kurze Wege zum ASD, wenn es brennt.",
    "Die insoweit erfahrenen Fachkräfte sind gut erreichbar.",
    "Regelmäßige Fallbesprechungen im Team.",
    "Der Netzwerkarbeitskreis trifft sich verlässlich.",
]
TEXTS_PRIORITY = [
    "Rückmeldungen des Jugendamts nach einer Mitteilung.",
    "Übergaben bei Zuständigkeitswechsel besser regeln.",
    "Mehr Zeit für Hausbesuche.",
    "Gemeinsame Fortbildungen mit Schulen und Polizei.",
    "Eltern besser beteiligen und Entscheidungen erklären.",
]


def _pick(rng, weighted):
    r, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if r <= acc:
            return value
    return weighted[-1][0]


def _scale(rng, level, points, reverse):
    mu = level if not reverse else (points + 1) - level
    return max(1, min(points, round(rng.gauss(mu, 0.6))))


def generate_answers(instrument: schema.CInstrument, rng: random.Random, level: float) -> dict:
    perspective = _pick(rng, PERSPECTIVE_WEIGHTS)
    answers = {"perspective": perspective}
    if perspective != 3:
        answers["professional_system"] = rng.choice(
            [1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    # a personal tendency makes a respondent's answers hang together, as real answers do
    shifted = level + PERSPECTIVE_SHIFT[perspective] + rng.gauss(0, 0.75)
    for item in instrument.items:
        if item.role:
            continue
        for variable in item.variables:
            if variable.measure == "scale":
                points = len(variable.choices)
                if item.dont_know and rng.random() < 0.05:
                    answers[variable.name] = schema.DONT_KNOW
                else:
                    dim_shift = {"resources": -0.5, "participation": -0.2,
                                 "error_culture": 0.1}.get(variable.dimension, 0)
                    answers[variable.name] = _scale(rng, shifted + dim_shift, points,
                                                    variable.reverse)
            elif variable.measure == "binary":
                answers[variable.name] = 1 if rng.random() < 0.3 else 0
            elif variable.name.endswith("__other"):
                answers[variable.name] = schema.NOT_ANSWERED
            elif variable.measure == "text":
                pool = TEXTS_GOOD if "gelingt" in variable.name else TEXTS_PRIORITY
                answers[variable.name] = (rng.choice(pool) if rng.random() < 0.35
                                          else schema.NOT_ANSWERED)
    shown = {i.code for _, i in schema.visible(instrument, answers)}
    for item in instrument.items:
        if item.code not in shown:
            for variable in item.variables:
                answers[variable.name] = schema.NOT_SHOWN
    return answers


def _demo_codes(wave, responses, rng) -> None:
    """Personal codes per municipality, as many used as answer sets came in and some never used,
    so that the participation figures (invited, answered, response rate) look like a real wave."""
    answered = Counter(r.municipality_id for r in responses)
    codes = []
    for municipality_id, count in sorted(answered.items()):
        invited = round(count / rng.uniform(0.45, 0.85))
        codes += [AccessCode(wave=wave, municipality_id=municipality_id, used=n < count)
                  for n in range(invited)]
    AccessCode.objects.bulk_create(codes, batch_size=1000)


def load(programme, actor) -> dict:
    rng = random.Random(2026)
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=actor, programme=programme,
                                                      spec=INSTRUMENT)
    t0 = services.wave_create(actor=actor, instrument=instrument, fields={
        "title": "Bestandsaufnahme 2026", "timepoint": 0,
        "opens_on": today - dt.timedelta(days=230), "closes_on": today - dt.timedelta(days=180),
        "min_group_size": 5})
    services.wave_open(actor=actor, wave=t0)
    compiled = schema.compiled(Wave.objects.get(pk=t0.pk).instrument)
    responses = []
    levels = {}
    for municipality in programme.municipalities.all():
        level = levels[municipality.pk] = rng.uniform(2.6, 3.6)
        count = rng.randint(28, 45) if municipality.cluster_role == "model" else \
            rng.randint(12, 24)
        for _ in range(count):
            answers = generate_answers(compiled, rng, level)
            perspective, system = services._grouping(compiled, answers)
            responses.append(Response(
                wave=t0, municipality=municipality, language="de",
                submitted_on=t0.opens_on + dt.timedelta(days=rng.randint(0, 49)),
                perspective=perspective, professional_system=system, answers=answers,
                vector=schema.vectorize(compiled, answers)))
    Response.objects.bulk_create(responses, batch_size=500)
    _demo_codes(t0, responses, rng)
    services.wave_close(actor=actor, wave=t0)
    Wave.objects.filter(pk=t0.pk).update(closed_at=timezone.now() - dt.timedelta(days=180))

    t1 = services.wave_create(actor=actor, instrument=instrument, fields={
        "title": "Evaluation 2026", "timepoint": 1,
        "opens_on": today - dt.timedelta(days=60), "closes_on": today - dt.timedelta(days=20),
        "min_group_size": 5})
    services.wave_open(actor=actor, wave=t1)
    t1_responses = []
    for municipality in programme.municipalities.all():
        level = levels[municipality.pk] + 0.25  # the follow-up is slightly better
        count = rng.randint(22, 36) if municipality.cluster_role == "model" else \
            rng.randint(10, 18)
        for _ in range(count):
            answers = generate_answers(compiled, rng, level)
            perspective, system = services._grouping(compiled, answers)
            t1_responses.append(Response(
                wave=t1, municipality=municipality, language="de",
                submitted_on=t1.opens_on + dt.timedelta(days=rng.randint(0, 39)),
                perspective=perspective, professional_system=system, answers=answers,
                vector=schema.vectorize(compiled, answers)))
    Response.objects.bulk_create(t1_responses, batch_size=500)
    _demo_codes(t1, t1_responses, rng)
    services.wave_close(actor=actor, wave=t1)
    Wave.objects.filter(pk=t1.pk).update(closed_at=timezone.now() - dt.timedelta(days=20))

    first = programme.municipalities.order_by("cluster__number", "cluster_role", "name").first()
    t2 = services.wave_create(actor=actor, instrument=instrument, fields={
        "title": "Nachbefragung 2027", "timepoint": 2, "municipality": first,
        "opens_on": today - dt.timedelta(days=14), "closes_on": today + dt.timedelta(days=45),
        "min_group_size": 5, "allow_group_code": True})
    services.wave_open(actor=actor, wave=t2)
    codes = services.codes_generate(actor=actor, wave=t2, count=40, municipality=first)
    t2_responses = []
    for _code in codes[:14]:
        answers = generate_answers(compiled, rng, 3.4)
        perspective, system = services._grouping(compiled, answers)
        t2_responses.append(Response(wave=t2, municipality=first, language="de",
                                     submitted_on=today - dt.timedelta(days=rng.randint(0, 13)),
                                     perspective=perspective, professional_system=system,
                                     answers=answers, vector=schema.vectorize(compiled, answers)))
    Response.objects.bulk_create(t2_responses)
    mixing.responses_mix(wave=t2)
    AccessCode.objects.filter(pk__in=[c.pk for c in codes[:14]]).update(used=True)
    assert Wave.objects.get(pk=t2.pk).status == WaveStatus.OPEN
    return {"instrument": instrument, "t0": t0, "t1": t1, "t2": t2,
            "t0_responses": len(responses), "t1_responses": len(t1_responses),
            "demo_code": AccessCode.objects.filter(wave=t2, used=False,
                                                   kind=CodeKind.PERSONAL).first().code}


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    ctx.programme.demo_surveys = load(ctx.programme, ctx.staff)
