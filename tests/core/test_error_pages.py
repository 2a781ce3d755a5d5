"""What a visitor clicking around the demo meets: qdialog's own error pages (the demo runs with
DEBUG off), a favicon on every page, and no technical page listing the URLs."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_serves_without_debug():
    demo = ROOT.joinpath("Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "DJANGO_DEBUG=false $(BIN)/qdialog runserver" in demo
    assert "DJANGO_DEBUG=false $(BIN)/qdialog worker" in demo


def test_a_missing_page_is_qdialogs_own(db, settings):
    settings.DEBUG = False
    response = Client(headers={"Accept-Language": "de"}).get("/gibt-es-nicht/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in body and "URLconf" not in body and "urlpatterns" not in body
    assert 'rel="icon"' in body


def test_favicon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("qdialog/favicon.ico") and finders.find("qdialog/favicon.svg")
    assert Client().get("/").content.decode().count('rel="icon"') == 1
