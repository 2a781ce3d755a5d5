"""Who may open and post what on the survey management pages."""


import pytest
from django.urls import reverse

from qdialog.surveys.models import AccessCode, Wave
from tests.conftest import ROLES

OK, NOT_FOUND, LOGIN = 200, 404, "login"


def expect(allowed):
    return {r: (LOGIN if r == "anon" else OK if r in allowed else NOT_FOUND) for r in ROLES}


CASES = [
    ("programme_waves", lambda w, s: reverse("surveys:programme_waves", args=["alpha"]),
     expect({"alice"})),
    ("wave_create_programme", lambda w, s: reverse("surveys:wave_create_programme",
                                                   args=["alpha"]), expect({"alice"})),
    ("municipality_waves", lambda w, s: reverse("surveys:municipality_waves", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("wave_create_municipality", lambda w, s: reverse("surveys:wave_create_municipality",
                                                      args=[w.m1.pk]), expect({"alice", "mia"})),
    ("wave", lambda w, s: reverse("surveys:wave", args=[s.wave.pk]),
     expect({"alice", "carol", "mia"})),
    ("wave_edit", lambda w, s: reverse("surveys:wave_edit", args=[s.wave.pk]),
     expect({"alice", "mia"})),
    ("paper_entry", lambda w, s: reverse("surveys:paper_entry", args=[s.wave.pk]),
     expect({"alice", "mia"})),
    ("codes_download", lambda w, s: reverse("surveys:codes_download", args=[s.wave.pk, "csv"]),
     expect({"alice", "mia"})),
    ("answers_export", lambda w, s: reverse("surveys:answers_export", args=[s.wave.pk, "csv"]),
     expect({"alice", "mia"})),
    ("instruments", lambda w, s: reverse("surveys:instruments", args=["alpha"]),
     expect({"alice"})),
    ("instrument", lambda w, s: reverse("surveys:instrument", args=[s.instrument.pk]),
     expect({"alice", "carol", "mia", "oscar"})),
    ("instrument_preview", lambda w, s: reverse("surveys:instrument_preview",
                                                args=[s.instrument.pk]),
     expect({"alice", "carol", "mia", "oscar"})),
    ("instrument_edit", lambda w, s: reverse("surveys:instrument_edit", args=[s.instrument.pk]),
     expect({"alice"})),
    ("section_create", lambda w, s: reverse("surveys:section_create", args=[s.instrument.pk]),
     expect({"alice"})),
    ("section_edit", lambda w, s: reverse("surveys:section_edit", args=[
        s.instrument.pk, s.instrument.sections.first().pk]), expect({"alice"})),
    ("item_create", lambda w, s: reverse("surveys:item_create", args=[
        s.instrument.pk, s.instrument.sections.first().pk]), expect({"alice"})),
    ("item_edit", lambda w, s: reverse("surveys:item_edit", args=[
        s.instrument.pk, s.instrument.sections.first().pk,
        s.instrument.sections.first().items.first().pk]), expect({"alice"})),
]


POST_ONLY = {"wave_action", "codes_create", "group_code", "invitations_create",
             "answers_import", "instrument_copy", "element_action",
             "instrument_create_default", "instrument_import", "instrument_import_confirm"}
#: a municipality's part of a programme-wide wave: every role, in tests/surveys/test_wave_part.py
ELSEWHERE = {"wave_part", "part_codes_create", "part_group_code", "part_codes_download"}


PUBLIC = {"entry", "respond", "answer", "done"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_survey_view_access(client_for, world, survey, role, name, url, expected):
    response = client_for(role).get(url(world, survey))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_survey_url_has_an_access_case():
    from qdialog.surveys.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY | PUBLIC | ELSEWHERE
    missing = {p.name for p in urlpatterns} - covered
    assert not missing, missing


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_outsiders_cannot_post_to_a_wave(client_for, world, survey, role):
    client = client_for(role)
    for url in [reverse("surveys:wave_action", args=[survey.wave.pk, "close"]),
                reverse("surveys:codes_create", args=[survey.wave.pk])]:
        response = client.post(url, {"count": "3"})
        assert response.status_code in (302, 404)
    assert Wave.objects.get(pk=survey.wave.pk).status == "open"
    assert AccessCode.objects.filter(wave=survey.wave).count() == 6
