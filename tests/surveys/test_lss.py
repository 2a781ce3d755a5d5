"""LimeSurvey structure files become instruments; unsupported types are named, not dropped."""

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
    response = client.post(url, {"file": SimpleUploadedFile("s.lss", SAMPLE)}, follow=True)
    instrument = Instrument.objects.get(family="netzwerkbefragung")
    assert not instrument.is_frozen
    assert Item.objects.filter(section__instrument=instrument).count() == 5
    body = response.content.decode()
    assert "datum" in body and "Ranking" in body  # reported on the page
    bad = client.post(url, {"file": SimpleUploadedFile("s.lss", b"<nope/>")})
    assert bad.status_code == 400 and Instrument.objects.count() == 1
