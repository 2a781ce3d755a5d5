"""Mixing: answer sets rewritten in a random order under new keys, content unchanged."""

import pytest
from django.utils import timezone

from qdialog.surveys import mixing
from qdialog.surveys.models import Response
from tests.surveys.conftest import fresh_token, post_data  # noqa: F401
from tests.surveys.test_respond import post


def _store(wave, n):
    for i in range(n):
        Response.objects.create(wave=wave, municipality=wave.municipality, language="de",
                                submitted_on=timezone.localdate(), perspective="2",
                                answers={"q1": 1 + i % 5, "marker": i})


def test_a_full_mix_keeps_every_answer_set_and_gives_new_keys(survey):
    _store(survey.wave, 25)
    before = {r["answers"]["marker"]: r for r in Response.objects.values("id", "answers")}
    assert mixing.responses_mix(wave=survey.wave) == 25
    after = {r["answers"]["marker"]: r for r in Response.objects.values("id", "answers",
                                                                         "mixed")}
    assert set(after) == set(before)  # every answer set, once
    assert all(after[m]["answers"] == before[m]["answers"] for m in before)
    assert not {r["id"] for r in after.values()} & {r["id"] for r in before.values()}
    assert all(r["mixed"] for r in after.values())


def test_new_answer_sets_are_mixed_in_batches(survey, respondent, settings):
    settings.QDIALOG_MIX_BATCH = 3
    for n in range(2):
        post(respondent, survey.codes[n].code, post_data(fresh_token()))
    assert Response.objects.filter(mixed=False).count() == 2  # not a batch yet
    post(respondent, survey.codes[2].code, post_data(fresh_token()))
    assert Response.objects.filter(mixed=False).count() == 0
    assert Response.objects.count() == 3


@pytest.mark.parametrize("only_new", [True, False])
def test_too_few_are_left_alone(survey, only_new):
    _store(survey.wave, 2)
    assert mixing.responses_mix(wave=survey.wave, only_new=only_new, at_least=3) == 0
    assert Response.objects.filter(mixed=False).count() == 2


def test_mix_answers_command_mixes_open_waves(survey):
    from django.core.management import call_command

    _store(survey.wave, 4)
    call_command("mix_answers", verbosity=0)
    assert not Response.objects.filter(mixed=False).exists()
