"""Questionnaires: frozen once used, copied to change, the item form, local adaptation."""


import pytest
from django.urls import reverse

from qdialog.surveys import services
from qdialog.surveys.models import Instrument, Item


def test_frozen_instrument_refuses_changes_and_copies(client_for, world, survey):
    client = client_for("alice")
    section = survey.instrument.sections.first()
    response = client.post(reverse("surveys:item_create", args=[survey.instrument.pk,
                                                                section.pk]),
                           {"kind": "short_text", "code": "neu", "text_de": "Neu?"})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    response = client.post(reverse("surveys:instrument_copy", args=[survey.instrument.pk]))
    copy = Instrument.objects.get(family="test-instrument", version=2)
    assert response.status_code == 302 and not copy.is_frozen and copy.previous_id
    assert sorted(Item.objects.filter(section__instrument=copy).values_list("code", flat=True)) \
        == sorted(Item.objects.filter(section__instrument=survey.instrument)
                  .values_list("code", flat=True))
    section = copy.sections.first()
    ok = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]), {
        "kind": "single", "code": "neu", "text_de": "Neu?", "options_text": "Ja | Yes\nNein | No",
        "condition_text": "perspective=1,2"})
    assert ok.status_code == 302
    item = Item.objects.get(section__instrument=copy, code="neu")
    assert item.options[1]["en"] == "No" and item.condition == {"item": "perspective",
                                                                 "in": [1, 2]}
    before = list(section.items.values_list("code", flat=True))
    client.post(reverse("surveys:element_action", args=[copy.pk, "item", item.pk, "up"]))
    after = list(section.items.values_list("code", flat=True))
    assert after.index("neu") == before.index("neu") - 1
    client.post(reverse("surveys:element_action", args=[copy.pk, "item", item.pk, "delete"]))
    assert not Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("data,message", [
    ({"kind": "single", "code": "x1", "text_de": "?"}, "at least one option"),
    ({"kind": "likert", "code": "x2", "text_de": "?"}, "4, 5 or 7 points"),
    ({"kind": "matrix", "code": "x3", "text_de": "?", "scale_points": "5"}, "at least one row"),
    ({"kind": "short_text", "code": "1abc", "text_de": "?"}, "letters, digits"),
    ({"kind": "short_text", "code": "q1", "text_de": "?"}, "has this code"),
    ({"kind": "number", "code": "x4", "text_de": "?", "min_value": "5", "max_value": "1"},
     "maximum must not"),
    ({"kind": "short_text", "code": "x5", "text_de": "?", "condition_text": "so nicht"},
     "code=value"),
])
def test_item_form_bad_input(client_for, world, survey, data, message):
    client = client_for("alice")
    copy = services.instrument_copy(actor=None, instrument=survey.instrument)
    section = copy.sections.get(code="main")
    count = Item.objects.count()
    response = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Item.objects.count() == count


def test_coordinator_adapts_the_programme_instrument(client_for, world, survey):
    client = client_for("mia")
    page = client.get(reverse("surveys:municipality_waves", args=[world.m1.pk])).content.decode()
    assert reverse("surveys:instrument", args=[survey.instrument.pk]) in page
    client.post(reverse("surveys:instrument_copy", args=[survey.instrument.pk]))
    copy = Instrument.objects.get(family="test-instrument", version=2)
    assert copy.municipality == world.m1 and not copy.is_frozen
    section = copy.sections.first()
    response = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]),
                           {"kind": "short_text", "code": "lokal", "text_de": "Lokal?"})
    assert response.status_code == 302
    # another municipality's coordinator cannot see or change the copy
    assert client_for("oscar").get(reverse("surveys:instrument", args=[copy.pk])) \
        .status_code == 404


def _used_item(survey):
    """A scale question of the instrument in use (the survey fixture's wave opened it)."""
    return Item.objects.filter(section__instrument=survey.instrument,
                               kind__in=["likert", "matrix"]).first()


def test_a_used_question_keeps_what_makes_it_comparable(client_for, world, survey):
    client = client_for("alice")
    used = _used_item(survey)
    copy = services.instrument_copy(actor=None, instrument=survey.instrument)
    item = Item.objects.get(section__instrument=copy, code=used.code)
    url = reverse("surveys:item_edit", args=[copy.pk, item.section.pk, item.pk])
    page = client.get(url).content.decode()
    data = {"kind": item.kind, "code": item.code, "text_de": "Geänderter Text",
            "scale_points": str(item.scale_points), "dimension": item.dimension,
            "rows_text": "\n".join(f"{r['code']} | {r.get('de', '')}" for r in item.rows)}
    changed = client.post(url, {**data, "scale_points": "4" if item.scale_points != 4 else "5"})
    assert changed.status_code == 400
    body = changed.content.decode()
    assert f"Question {used.code} was answered with version 1" in body
    assert "Geänderter Text" in body  # what was typed is kept
    item.refresh_from_db()
    assert item.text_de != "Geänderter Text"
    # the wording may change
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.text_de == "Geänderter Text"
    # a new code makes it a new question, which may have another scale
    renamed = {**data, "code": "neu_skala", "scale_points": "4" if item.scale_points != 4
               else "5"}
    assert client.post(url, renamed).status_code == 302
    assert "dimension" in page


def test_dimensions_are_chosen_from_a_list(client_for, world, survey):
    client = client_for("alice")
    copy = services.instrument_copy(actor=None, instrument=survey.instrument)
    section = copy.sections.first()
    url = reverse("surveys:item_create", args=[copy.pk, section.pk])
    page = client.get(url + "?kind=likert").content.decode()
    assert 'value="__new__"' in page and "New dimension" in page
    bad = client.post(url, {"kind": "likert", "code": "d1", "text_de": "?", "scale_points": "5",
                            "dimension": "__new__", "new_dimension": "Mit Leerzeichen"})
    assert bad.status_code == 400 and "small letters" in bad.content.decode()
    assert 'value="Mit Leerzeichen"' in bad.content.decode()
    typo = client.post(url, {"kind": "likert", "code": "d1", "text_de": "?",
                             "scale_points": "5", "dimension": "fehlerkulutr"})
    assert typo.status_code == 400  # not in the list: no scale of its own by a typo
    ok = client.post(url, {"kind": "likert", "code": "d1", "text_de": "?", "scale_points": "5",
                           "dimension": "__new__", "new_dimension": "fehlerkultur"})
    assert ok.status_code == 302
    assert Item.objects.get(section=section, code="d1").dimension == "fehlerkultur"
    again = client.get(url + "?kind=likert").content.decode()
    assert 'value="fehlerkultur"' in again


def test_the_item_form_shows_the_fields_of_its_type(client_for, world, survey):
    client = client_for("alice")
    copy = services.instrument_copy(actor=None, instrument=survey.instrument)
    section = copy.sections.first()
    url = reverse("surveys:item_create", args=[copy.pk, section.pk])
    number = client.get(url + "?kind=number&text_de=Wie+viele%3F").content.decode()
    assert 'name="min_value"' in number and 'name="scale_points"' not in number
    assert 'name="options_text"' not in number and "Wie viele?" in number
    choice = client.get(url + "?kind=single").content.decode()
    assert 'name="options_text"' in choice and 'name="min_value"' not in choice
    assert 'hx-get=""' in choice and 'hx-trigger="change"' in choice
