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
