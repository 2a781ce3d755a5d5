"""Parsing and checking answers against the compiled instrument."""

from django.http import QueryDict
from django.utils import translation

from qdialog.surveys import schema, services
from tests.surveys.conftest import COMPLETE


def qd(data):
    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


def compiled(survey):
    return schema.compile_instrument(survey.instrument)


def test_variables_are_named_stably(survey):
    names = [v.name for v in compiled(survey).variables]
    assert names == ["perspective", "system", "q1", "q2", "grid__a", "grid__b", "topics__1",
                     "topics__2", "topics__3", "topics__other", "count", "short", "long"]


def test_complete_answers(survey):
    answers, problems = schema.parse(compiled(survey), qd(COMPLETE))
    assert not problems
    assert answers["q1"] == 4 and answers["q2"] == 2
    assert answers["grid__a"] == 7 and answers["topics__1"] == 1 and answers["topics__2"] == 0
    assert answers["topics__other"] == "Etwas" and answers["count"] == 12
    assert answers["long"] == schema.NOT_SHOWN  # only for clients


def test_required_and_not_answered(survey):
    answers, problems = schema.parse(compiled(survey), qd({"q_perspective": "1"}))
    assert set(problems) == {"q_q1"} and problems.missing == {"q_q1"}
    assert answers["q2"] == schema.NOT_ANSWERED


def test_condition_unmet_means_not_shown_and_not_required(survey):
    answers, problems = schema.parse(compiled(survey), qd({**COMPLETE, "q_perspective": "3"}))
    assert answers["system"] == schema.NOT_SHOWN
    assert "q_system" not in problems


def test_invalid_values_are_refused_with_clear_messages(survey):
    with translation.override("de"):
        _, problems = schema.parse(compiled(survey), qd({
            **COMPLETE, "q_q1": "9", "q_q2": "_dk", "q_grid__a": "x", "q_topics": ["1", "7"],
            "q_count": "101", "q_short": "x" * 21}))
    assert problems["q_q1"] == "Bitte wählen Sie eine der angebotenen Antworten."
    assert "q_q2" in problems  # "don't know" is not offered for q2
    assert set(problems) >= {"q_grid", "q_topics", "q_count", "q_short"}
    assert "zwischen 0 und 100" in problems["q_count"]


def test_foreign_fields_are_reported(survey):
    _, problems = schema.parse(compiled(survey), qd({**COMPLETE, "q_nonsense": "1"}))
    assert problems.foreign == ["q_nonsense"]


def test_two_values_for_a_single_choice(survey):
    _, problems = schema.parse(compiled(survey), qd({**COMPLETE, "q_q1": ["1", "2"]}))
    assert "q_q1" in problems


def test_grouping_columns(survey):
    answers, _ = schema.parse(compiled(survey), qd(COMPLETE))
    assert services._grouping(compiled(survey), answers) == ("2", "1")


def test_frozen_instrument_is_cached(survey):
    survey.instrument.refresh_from_db()
    assert survey.instrument.is_frozen
    assert schema.compiled(survey.instrument) is schema.compiled(survey.instrument)
