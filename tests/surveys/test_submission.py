"""Storing an answer set (surveys/submission.py): all of code, token and answer set, or none –
on SQLite in one transaction, on PostgreSQL in one statement – and the reason when nothing was
stored. Runs on both databases (CI's two phases)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from qdialog.core.scoping import unscoped
from qdialog.surveys import schema, services
from qdialog.surveys.models import AccessCode, Response, SubmissionToken, Wave
from tests.surveys.conftest import fresh_token

ANSWERS = {"perspective": 2, "system": 1, "q1": 4}


def submit(survey, code, token, wave=None):
    wave = wave or Wave.objects.select_related("instrument").get(pk=survey.wave.pk)
    return services.response_submit(wave=wave, answers=dict(ANSWERS), language="de",
                                     token=token, code=code)


def stored():
    with unscoped("a test counts what was written"):
        return (Response.objects.count(), SubmissionToken.objects.count(),
                AccessCode.objects.filter(used=True).count())


@pytest.fixture
def fenced(survey):
    with unscoped("the respondent's request extends its fence to the wave's programme"):
        yield survey


def test_a_personal_code_stores_one_answer_set_with_its_grouping(fenced):
    code = fenced.codes[0]
    assert submit(fenced, code, fresh_token()) == "stored"
    assert stored() == (1, 1, 1)
    answer = Response.objects.get()
    assert (answer.perspective, answer.professional_system, answer.language) == ("2", "1", "de")
    assert answer.municipality_id == (code.municipality_id or fenced.wave.municipality_id)
    assert answer.answers["q1"] == 4 and answer.submitted_on == dt.date.today()
    instrument = schema.compiled(fenced.wave.instrument)
    assert bytes(answer.vector) == schema.vectorize(instrument, answer.answers)
    code.refresh_from_db()
    assert code.used and code.draft is None


def test_the_same_token_again_is_a_duplicate_and_stores_nothing_more(fenced):
    token = fresh_token()
    assert submit(fenced, fenced.codes[0], token) == "stored"
    assert submit(fenced, fenced.codes[0], token) == "duplicate"
    group = fenced.group
    group_token = fresh_token()
    assert submit(fenced, group, group_token) == "stored"
    assert submit(fenced, group, group_token) == "duplicate"
    assert stored() == (2, 2, 1)


def test_a_used_code_with_a_new_token_is_refused_and_nothing_is_written(fenced):
    assert submit(fenced, fenced.codes[0], fresh_token()) == "stored"
    with pytest.raises(services.AlreadyUsed):
        submit(fenced, fenced.codes[0], fresh_token())
    assert stored() == (1, 1, 1)


@pytest.mark.parametrize("change", [{"status": "closed"}, {"status": "draft"},
                                    {"opens_on": dt.date(2020, 1, 1),
                                     "closes_on": dt.date(2020, 1, 2)}])
def test_a_wave_that_closed_in_between_stores_nothing(fenced, change):
    """The page was loaded while the wave took answers; it closed before the form arrived."""
    wave = Wave.objects.select_related("instrument").get(pk=fenced.wave.pk)
    Wave.objects.filter(pk=wave.pk).update(**change)
    for code in (fenced.codes[0], fenced.group, None):
        with pytest.raises(services.NotOpen):
            submit(fenced, code, fresh_token(), wave=wave)
    assert stored() == (0, 0, 0)
    fenced.codes[0].refresh_from_db()
    assert not fenced.codes[0].used


def test_a_code_of_another_wave_is_not_used_for_this_one(fenced, world):
    other = services.wave_create(actor=world.people["alice"], instrument=fenced.instrument,
                                 fields={"title": "Andere", "municipality": world.m1,
                                         "opens_on": fenced.wave.opens_on,
                                         "closes_on": fenced.wave.closes_on})
    services.wave_open(actor=world.people["alice"], wave=other)
    [foreign] = services.codes_generate(actor=world.people["alice"], wave=other, count=1)
    with pytest.raises(services.NotOpen):
        submit(fenced, foreign, fresh_token())
    assert stored() == (0, 0, 0)


def test_inside_a_callers_transaction_a_refusal_leaves_it_usable(fenced):
    """Imports and tests call this inside a transaction of their own: a duplicate must not
    break it (a savepoint on PostgreSQL)."""
    from django.db import transaction

    token = fresh_token()
    with transaction.atomic():
        assert submit(fenced, fenced.group, token) == "stored"
        assert submit(fenced, fenced.group, token) == "duplicate"
        assert Response.objects.count() == 1  # the transaction still answers


def test_mixing_starts_once_a_batch_has_come_together(fenced, settings):
    settings.QDIALOG_MIX_BATCH = 3
    for n in range(2):
        submit(fenced, fenced.codes[n], fresh_token())
    assert Response.objects.filter(mixed=False).count() == 2
    submit(fenced, fenced.codes[2], fresh_token())
    assert Response.objects.filter(mixed=False).count() == 0
    assert Response.objects.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_token", [True, False])
def test_at_the_same_moment_one_code_stores_once(survey, same_token):
    """Six posts of one personal code at once – the same form six times (a user clicking
    wildly, a proxy retrying) or six forms: one answer set; with the same token the others
    are told it arrived."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is not shared between threads")
    code = AccessCode.objects.get(pk=survey.codes[1].pk)
    wave = Wave.objects.select_related("instrument").get(pk=survey.wave.pk)
    token = fresh_token()
    outcomes, start = [], threading.Barrier(6)

    def send():
        start.wait()
        try:
            with unscoped("a test thread plays the respondent"):
                outcomes.append(services.response_submit(
                    wave=wave, answers=dict(ANSWERS), language="de",
                    token=token if same_token else fresh_token(), code=code))
        except services.AlreadyUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 1
    assert sorted(set(outcomes) - {"stored"}) == (["duplicate"] if same_token else ["used"])
    with unscoped("a test counts what was written"):
        assert Response.objects.count() == 1 and SubmissionToken.objects.count() == 1


def test_a_value_too_long_for_its_column_is_refused_not_cut_off(fenced):
    """The statement casts its values without lengths: what the ORM would refuse is refused."""
    from django.db import DataError, transaction

    from qdialog.surveys import submission

    row = {"id": 1234567, "wave": fenced.wave.pk, "municipality": None,
           "submitted_on": dt.date.today(), "language": "de" * 20, "perspective": "",
           "professional_system": "", "answers": {}, "vector": b"", "mixed": False}
    if connection.vendor == "sqlite":
        pytest.skip("SQLite does not enforce a column's length")
    with pytest.raises(DataError), transaction.atomic():
        submission.store(wave=fenced.wave, code_pk=None, token=fresh_token(), row=row,
                         today=dt.date.today())
    assert stored() == (0, 0, 0)
