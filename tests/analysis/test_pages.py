"""The results page of a closed wave is drawn once and then read from the cache; a change in
the answer sets (e.g. the retention job) draws it anew."""

from __future__ import annotations

from django.urls import reverse

from qdialog.analysis import pages
from qdialog.surveys.models import Response
from tests.analysis.test_results import close, store, wave  # noqa: F401 - fixture


def test_the_results_page_is_drawn_once(client_for, world, wave, monkeypatch):  # noqa: F811
    for i in range(12):
        store(wave, world.m1, 1 if i % 2 else 2, 1 + i % 5)
    close(wave)
    drawn = []
    real = pages._draw
    monkeypatch.setattr(pages, "_draw", lambda *a: drawn.append(a) or real(*a))
    client = client_for("alice")
    url = reverse("analysis:results", args=[wave.pk])
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(drawn) == 1 and "Mean" in second and len(first) > 1000
    client_for("mia").get(url)  # her municipality's page is another unit
    assert len(drawn) == 2
    Response.objects.filter(wave=wave).first().delete()
    client.get(url)
    assert len(drawn) == 3  # the answer sets changed: drawn anew


def test_no_cache_while_configured_off(client_for, world, wave, monkeypatch,  # noqa: F811
                                       settings):
    settings.QDIALOG_RESULTS_CACHE_SECONDS = 0
    for _ in range(6):
        store(wave, world.m1, 2, 3)
    close(wave)
    drawn = []
    real = pages._draw
    monkeypatch.setattr(pages, "_draw", lambda *a: drawn.append(a) or real(*a))
    client = client_for("alice")
    for _ in range(2):
        client.get(reverse("analysis:results", args=[wave.pk]))
    assert len(drawn) == 2


def test_closing_a_wave_draws_its_pages_in_the_background_without_publishing(
        client_for, world, wave, monkeypatch, settings,  # noqa: F811
        django_capture_on_commit_callbacks):
    settings.QDIALOG_RESULTS_WARM = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for i in range(12):
        store(wave, world.m1 if i < 8 else world.m2, 1 if i % 2 else 2, 1 + i % 5)
    drawn = []
    real = pages._draw
    monkeypatch.setattr(pages, "_draw", lambda *a: drawn.append(a) or real(*a))
    with django_capture_on_commit_callbacks(execute=True):
        close(wave)
    # the programme, its cluster with Landkreis Eins and Stadt Zwei, each of the three
    # municipalities – in German and English
    assert len(drawn) == 2 * (1 + 1 + 3)
    wave.refresh_from_db()
    assert wave.results_published_on is None  # nobody has read them yet
    client_for("alice").get(reverse("analysis:results", args=[wave.pk]))
    assert len(drawn) == 10  # read from the cache
    wave.refresh_from_db()
    assert wave.results_published_on is not None
