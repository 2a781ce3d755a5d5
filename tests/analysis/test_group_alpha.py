"""Cronbach's α per perspective and per professional system: equal to α computed from the raw
answers with the covariance formula, and only where the group is published and large enough."""

from __future__ import annotations

import numpy as np
import pytest

from qdialog.analysis.engine import wave_results
from qdialog.surveys import schema
from qdialog.surveys.models import Response
from tests.reports.test_documents import default_wave  # noqa: F401 - fixture


def _alpha_via_covariance(m):
    c = np.cov(m, rowvar=False)
    k = m.shape[1]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def _raw_matrix(wave, dimension, perspective):
    """The dimension's items straight from the stored answers: reverse coded by hand, "don't
    know" and unanswered as missing, complete cases only."""
    compiled = schema.compiled(wave.instrument)
    variables = [v for v in compiled.variables if v.dimension == dimension
                 and v.measure == "scale"]
    rows = []
    for answers in Response.objects.filter(wave=wave, perspective=perspective) \
            .values_list("answers", flat=True):
        row = []
        for v in variables:
            value = answers.get(v.name)
            if not isinstance(value, int):
                row.append(np.nan)
                continue
            row.append(len(v.choices) + 1 - value if v.reverse else value)
        rows.append(row)
    m = np.array(rows, dtype=float)
    return m[~np.isnan(m).any(axis=1)]


def test_alpha_per_perspective_equals_an_independent_computation(default_wave):  # noqa: F811
    world, wave = default_wave
    result = wave_results(wave)  # the programme: its perspectives are published
    checked = 0
    for d in result.dimensions:
        for group, (label, value) in zip(d.by_perspective, d.alpha_by_perspective):
            assert group.label == label
            matrix = _raw_matrix(wave, d.name, group.key)
            if group.n_group is None or matrix.shape[0] < result.minimum:
                assert value is None  # a withheld or too small group shows no α
                continue
            assert value == pytest.approx(_alpha_via_covariance(matrix))
            checked += 1
    assert checked >= 5
    # in Landkreis Eins the plan withholds every perspective (Stadt Zwei is small): no α there
    eins = wave_results(wave, municipality_ids=[world.m1.pk])
    assert all(value is None for d in eins.dimensions for _, value in d.alpha_by_perspective)
    assert all(len(d.alpha_by_system) == len(d.by_system) for d in result.dimensions)


def test_results_page_shows_alpha_by_group(client_for, default_wave):  # noqa: F811
    from django.urls import reverse

    world, wave = default_wave
    page = client_for("alice").get(reverse("analysis:results", args=[wave.pk])).content.decode()
    assert "Cronbach&#x27;s α by perspective" in page
    assert "Cronbach&#x27;s α by professional system" in page


def test_english_staff_pages_show_the_instrument_in_english(client_for, default_wave):  # noqa: F811
    from django.urls import reverse

    world, wave = default_wave
    page = client_for("alice").get(reverse("analysis:results", args=[wave.pk])).content.decode()
    # perspectives, dimensions and questions from the instrument's English texts
    assert "Front-line professional" in page and "Fachkraft<" not in page
    assert "I know the standards." in page
    compiled = schema.compiled(wave.instrument)
    english = [compiled.dimension_label(name, "en") for name in compiled.dimension_labels]
    assert any(label in page for label in english if label)


def test_dates_in_the_locale_format():
    import datetime as dt

    from django.utils import formats, translation

    day = dt.date(2026, 12, 2)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "02/12/2026"
        assert formats.date_format(day, "DATE_FORMAT") == "2 December 2026"
    with translation.override("de"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "02.12.2026"
