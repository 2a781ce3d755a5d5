"""Survey fixtures: a small instrument with every item type, open waves, codes."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, CodeKind

SMALL = {
    "family": "test-instrument", "title_de": "Testbogen", "title_en": "Test form",
    "paged": False,
    "sections": [
        {"code": "about", "title_de": "Über Sie", "title_en": "About you", "items": [
            {"code": "perspective", "kind": "single", "role": "perspective", "required": True,
             "text_de": "Perspektive?", "text_en": "Perspective?",
             "options": [{"de": "Leitung", "en": "Management"},
                         {"de": "Fachkraft", "en": "Professional"},
                         {"de": "Klient:in", "en": "Client"}]},
            {"code": "system", "kind": "single", "role": "professional_system",
             "condition": {"item": "perspective", "in": [1, 2]},
             "text_de": "Bereich?", "options": [{"de": "Jugendamt"}, {"de": "Schule"}]},
        ]},
        {"code": "main", "title_de": "Hauptteil", "items": [
            {"code": "q1", "kind": "likert", "scale_points": 5, "dont_know": True,
             "required": True, "text_de": "Frage eins", "text_en": "Question one",
             "dimension": "d"},
            {"code": "q2", "kind": "likert", "scale_points": 4, "reverse_coded": True,
             "text_de": "Frage zwei", "dimension": "d"},
            {"code": "grid", "kind": "matrix", "scale_points": 7, "text_de": "Raster",
             "rows": [{"code": "a", "de": "Zeile A"}, {"code": "b", "de": "Zeile B"}]},
            {"code": "topics", "kind": "multi", "allow_other": True, "text_de": "Themen",
             "options": [{"de": "Eins"}, {"de": "Zwei"}, {"de": "Drei"}]},
            {"code": "count", "kind": "number", "min_value": 0, "max_value": 100,
             "text_de": "Anzahl"},
            {"code": "short", "kind": "short_text", "max_length": 20, "text_de": "Kurz"},
            {"code": "long", "kind": "long_text", "text_de": "Lang",
             "condition": {"item": "perspective", "in": [3]}},
        ]},
    ],
}

COMPLETE = {"q_perspective": "2", "q_system": "1", "q_q1": "4", "q_q2": "2",
            "q_grid__a": "7", "q_grid__b": "1", "q_topics": ["1", "3"],
            "q_topics__other": "Etwas", "q_count": "12", "q_short": "kurz"}


def post_data(submission_token, **overrides):
    data = {**COMPLETE, "token": submission_token, "page": "0", "action": "submit", "lang": "de"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def survey(world):
    today = timezone.localdate()
    actor = world.people["alice"]
    small = services.instrument_create_from_spec(actor=actor, programme=world.a, spec=SMALL)
    wave = services.wave_create(actor=actor, instrument=small, fields={
        "title": "Welle t0", "municipality": world.m1, "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=10), "allow_group_code": True})
    services.wave_open(actor=actor, wave=wave)
    wave.refresh_from_db()
    codes = services.codes_generate(actor=actor, wave=wave, count=5)
    group = services.group_code_get(actor=actor, wave=wave)
    return SimpleNamespace(instrument=small, wave=wave, codes=codes, group=group,
                           code=codes[0].code)


@pytest.fixture
def respondent():
    return Client()


def fresh_token():
    return services.new_submission_token()


def code_row(code):
    return AccessCode.objects.get(code=code)


__all__ = ["SMALL", "COMPLETE", "post_data", "fresh_token", "code_row", "CodeKind"]
