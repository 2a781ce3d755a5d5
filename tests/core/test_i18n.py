"""German first, English second: complete catalogues and a working language switch."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "qdialog" / "locale"


@pytest.mark.parametrize("language", ["de", "en"])
def test_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:5]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:5]
    for entry in po.translated_entries():  # placeholders survive translation
        for placeholder in ("%(name)s", "%(n)s", "%(email)s", "%(scope)s", "%(number)s"):
            if placeholder in entry.msgid:
                translated = entry.msgstr or " ".join(entry.msgstr_plural.values())
                assert placeholder in translated, entry.msgid


def test_german_is_the_default(db):
    body = Client().get(reverse("home")).content.decode()
    assert '<html lang="de">' in body
    assert "Qualitätsdialog im Kinderschutz" in body and "Anmelden" in body


def test_english_by_browser_preference(db):
    body = Client(headers={"Accept-Language": "en"}).get(reverse("home")).content.decode()
    assert '<html lang="en">' in body and "Quality dialogue in child protection" in body


def test_language_switch_sets_cookie_and_returns(db):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["qdialog_language"].value == "en"
    assert "Log in" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Anmelden" in client.get("/").content.decode()


def test_dashboard_in_german(client_for, world):
    client = client_for("alice")
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    body = client.get(reverse("tenancy:municipality", args=[world.m1.pk])).content.decode()
    for text in ["Das Kinderschutz-Netzwerk", "Rolle im Cluster", "Modellkommune",
                 "Fremdevaluation", "Im Netzwerk noch nicht vertreten", "Polizei"]:
        assert text in body, text
