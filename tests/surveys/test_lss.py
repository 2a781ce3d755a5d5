"""LimeSurvey structure files become instruments; unsupported types are named, not dropped."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qdialog.surveys import lss
from qdialog.surveys.models import Instrument, Item

SAMPLE = (Path(__file__).parent / "fixtures" / "sample.lss").read_bytes()


def test_parse_sample():
    from django.utils import translation

    with translation.override("en"):
        result = lss.parse_lss(SAMPLE)
    spec = result.spec
    assert spec["title_de"] == "Netzwerkbefragung" and spec["title_en"] == "Network survey"
    sections = spec["sections"]
    assert [s["title_de"] for s in sections] == ["Allgemeines", "Zusammenarbeit"]
    items = {i["code"]: i for s in sections for i in s["items"]}
    assert items["rolle"]["kind"] == "single" and items["rolle"]["required"]
    assert items["rolle"]["text_de"] == "Ihre Rolle ?" or items["rolle"]["text_de"] == "Ihre Rolle?"
    assert [o["de"] for o in items["rolle"]["options"]] == ["Leitung", "Fachkraft"]
    assert items["rolle"]["options"][0]["en"] == "Management"
    assert items["zufrieden"]["kind"] == "likert" and items["zufrieden"]["scale_points"] == 5
    assert items["koop"]["kind"] == "matrix" and items["koop"]["scale_points"] == 4
    assert [r["de"] for r in items["koop"]["rows"]] == ["Schule", "Polizei"]
    assert items["themen"]["kind"] == "multi" and items["themen"]["allow_other"]
    assert items["themen"]["options"][1]["en"] == "Documentation"
    assert items["anmerkung"]["kind"] == "long_text"
    unsupported = " ".join(result.unsupported)
    assert "datum" in unsupported and "Date/Time" in unsupported
    assert "rang" in unsupported and "Ranking" in unsupported
    assert result.notes and "1 conditions" in result.notes[0]


@pytest.mark.parametrize("data", [b"", b"<html></html>", b"not xml at all",
                                  b'<?xml version="1.0"?><document><LimeSurveyDocType>Question'
                                  b"</LimeSurveyDocType></document>",
                                  b'<!DOCTYPE x [<!ENTITY a "aaaa">]><document/>'])
def test_bad_files_are_refused(data):
    with pytest.raises(lss.LssError):
        lss.parse_lss(data)


def test_upload_in_the_browser(client_for, world):
    client = client_for("alice")
    url = reverse("surveys:instrument_import", args=["alpha"])
    first = client.post(url, {"file": SimpleUploadedFile("s.lss", SAMPLE)})
    # two questions cannot be imported: each is named, and nothing is created before the
    # person confirms
    page = first.content.decode()
    assert first.status_code == 200 and not Instrument.objects.exists()
    assert "datum" in page and "Date/Time" in page and "rang" in page and "Ranking" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    confirm = reverse("surveys:instrument_import_confirm", args=["alpha"])
    response = client.post(confirm, {"token": token}, follow=True)
    instrument = Instrument.objects.get(family="netzwerkbefragung")
    assert not instrument.is_frozen
    assert Item.objects.filter(section__instrument=instrument).count() == 5
    body = response.content.decode()
    assert "datum" in body and "Ranking" in body  # reported on the page
    bad = client.post(url, {"file": SimpleUploadedFile("s.lss", b"<nope/>")})
    assert bad.status_code == 400 and Instrument.objects.count() == 1
    again = client.post(confirm, {"token": token}, follow=True)  # a token works once
    assert "no longer waiting" in again.content.decode() and Instrument.objects.count() == 1


DUAL_SCALE = (Path(__file__).parent / "fixtures" / "limesurvey" / "dual-scale.lss").read_bytes()


def test_a_file_written_by_limesurvey_itself_is_refused_by_name(client_for, world):
    """LimeSurvey's own test survey with one "Array dual scale" question (GPL, see the
    fixture's README): no question qdialog can import, so a refusal that names it."""
    from django.utils import translation

    with translation.override("en"), pytest.raises(lss.LssError) as refused:
        lss.parse_lss(DUAL_SCALE)
    assert "Q00" in str(refused.value) and "Array dual scale" in str(refused.value)
    client = client_for("alice")
    response = client.post(reverse("surveys:instrument_import", args=["alpha"]),
                           {"file": SimpleUploadedFile("dual.lss", DUAL_SCALE)})
    assert response.status_code == 400 and "Array dual scale" in response.content.decode()
    assert not Instrument.objects.exists()


def test_title_and_languages_come_from_the_file():
    """LimeSurvey names the survey's language surveyls_language in its settings table."""
    text = DUAL_SCALE.decode().replace(
        "<type><![CDATA[1]]></type>", "<type><![CDATA[T]]></type>")
    result = lss.parse_lss(text.encode())
    assert result.spec["title_de"] == "Test" and result.spec["title_en"] == "Test"
    assert result.languages == ["en"] and result.spec["family"] == "test"
    assert not result.unsupported


FOUR_LANGUAGES = (Path(__file__).parent / "fixtures" / "limesurvey"
                  / "four-languages.lss").read_bytes()


def test_a_four_language_file_from_limesurvey_keeps_german_and_english(client_for, world):
    from django.utils import translation

    with translation.override("en"):
        result = lss.parse_lss(FOUR_LANGUAGES)
    assert result.spec["title_de"] == "Germ" and result.spec["title_en"] == "translation"
    assert sorted(result.languages) == ["ar", "de", "en", "sv"]
    assert any("ar, sv" in note for note in result.notes)
    [item] = [i for s in result.spec["sections"] for i in s["items"]]
    assert item["kind"] == "long_text" and item["text_de"].startswith("A first example")
    client = client_for("alice")
    response = client.post(reverse("surveys:instrument_import", args=["alpha"]),
                           {"file": SimpleUploadedFile("q.lss", FOUR_LANGUAGES)}, follow=True)
    assert response.status_code == 200  # nothing left out: imported at once
    instrument = Instrument.objects.get(family="germ")
    assert instrument.title_de == "Germ" and instrument.title_en == "translation"
