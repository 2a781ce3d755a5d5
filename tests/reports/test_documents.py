"""The report documents as a reader gets them: complete (every question of the instrument), on
A4 with title, author and language, a cover, contents and page numbers, no text under 8 pt, no
nearly empty page; the programme report with participation and the overview; both formats in
German and English. Read back with poppler's pdftotext and python-docx, not from our own data."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from qdialog.reports import builder
from qdialog.reports.services import text_decide
from qdialog.surveys import schema, services
from qdialog.surveys.default_instrument import INSTRUMENT
from qdialog.surveys.demo import generate_answers
from qdialog.surveys.models import AccessCode, Response, Wave
from qdialog.tenancy.models import ClusterRole

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

#: DejaVu Sans: a word's box in pdftotext -bbox is 1.164 times the font size
BOX_PER_POINT = 1.164


@pytest.fixture
def default_wave(world):
    """The default instrument answered in the three municipalities of programme Alpha."""
    today = timezone.localdate()
    instrument = services.instrument_create_from_spec(actor=None, programme=world.a,
                                                      spec=INSTRUMENT)
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Bestandsaufnahme", "opens_on": today - dt.timedelta(days=20),
        "closes_on": today + dt.timedelta(days=3), "min_group_size": 5})
    services.wave_open(actor=None, wave=wave)
    compiled = schema.compiled(Wave.objects.get(pk=wave.pk).instrument)
    rng = random.Random(11)
    for municipality, count in ((world.m1, 40), (world.m2, 9), (world.m3, 30)):
        for _ in range(count):
            answers = generate_answers(compiled, rng, rng.uniform(2.6, 3.6))
            perspective, system = services._grouping(compiled, answers)
            Response.objects.create(
                wave=wave, municipality=municipality, language="de", submitted_on=today,
                perspective=perspective, professional_system=system, answers=answers,
                vector=schema.vectorize(compiled, answers))
        AccessCode.objects.bulk_create(
            AccessCode(wave=wave, municipality=municipality, used=n < count)
            for n in range(count + 10))
    services.wave_close(actor=None, wave=wave)
    wave.refresh_from_db()
    text_decide(actor=None, wave=wave, municipality=world.m1, variable="qe_gelingt",
                text="Kurze Wege zwischen Jugendamt und Schule.", release=True)
    text_decide(actor=None, wave=wave, municipality=world.m1, variable="qe_vorrang",
                text="Mehr Zeit für Fallberatung.", release=True)
    return world, wave


def _pdf_text(data: bytes, *args) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _pages(data: bytes) -> list[str]:
    return _pdf_text(data).split("\f")[:-1]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _question_labels(content):
    return [q.label for chapter in content.chapters for q in chapter.questions]




def _check_complete(default_wave, municipality_report):
    _, wave = default_wave
    content, pdf, docx = municipality_report
    compiled = schema.compiled(wave.instrument)
    expected = [v.name for v in compiled.variables if v.measure in ("scale", "nominal", "number")
                and not compiled.item_by_code[v.item].role]
    assert sorted(content.codes) == sorted(expected) and len(expected) > 50
    pdf_text, docx_text = _flat(_pdf_text(pdf)), _flat(_docx_text(_docx(docx)))
    missing_pdf = [label for label in _question_labels(content) if _flat(label) not in pdf_text]
    missing_docx = [label for label in _question_labels(content)
                    if _flat(label) not in docx_text]
    assert missing_pdf == [] and missing_docx == []
    # the priority no. 1 of the demo, and each section of the web results page
    for words in ("Vakanzen und Vertretungen", "Supervision", "Fortbildung",
                  "insoweit erfahrene Fachkraft", "Fallbelastung", "Beteiligung von Kindern",
                  "Ergebnisse nach Dimensionen", "Wo die Sichtweisen am weitesten",
                  "Antworten je Frage", "Mittelwert nach Perspektive"):
        assert words in pdf_text and words in docx_text, words


def _check_pdf_layout(default_wave, municipality_report):
    content, pdf, _ = municipality_report
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Title:\s+Kinderschutz-Bestandsaufnahme – Landkreis Eins\n", info)
    assert re.search(r"Author:\s+Landkreis Eins\n", info)
    pages = _pages(pdf)
    assert "Kommunenbericht".upper() in pages[0].upper() and "Seite" not in pages[0]
    assert "Inhalt" in pages[1] and "Antworten je Frage" in pages[1]
    # the contents name the page each chapter starts on, and that page holds it
    first_chapter = content.chapters[0].title
    line = next(ln for ln in pages[1].splitlines() if ln.startswith(first_chapter))
    number = int(re.search(r"(\d+)\s*$", line).group(1))
    assert first_chapter in pages[number - 1]
    total = len(pages)
    for n, page in enumerate(pages[1:], start=2):
        assert f"Seite {n} von {total}" in page


def _check_fonts_and_fill(default_wave, municipality_report):
    _, pdf, _ = municipality_report
    boxes = _pdf_text(pdf, "-bbox")
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', boxes)]
    assert min(heights) / BOX_PER_POINT >= 7.9
    pages = _pages(pdf)
    words = [len(page.split()) for page in pages]
    # every page but the cover and the last carries a good part of a page
    assert min(words[1:-1]) >= 60, words


def _check_free_texts(default_wave, municipality_report):
    content, pdf, docx = municipality_report
    questions = [question for question, _ in content.texts]
    assert len(questions) == 2 and questions[0].startswith("Was gelingt")
    text = _flat(_pdf_text(pdf))
    for question, texts in content.texts:
        position = text.index(_flat(question), text.index("Freitextantworten (freigegeben)"))
        assert text.index(texts[0], position) > position
    assert "Mehr Zeit für Fallberatung." in _docx_text(_docx(docx))


def _check_docx(default_wave, municipality_report):
    content, _, docx = municipality_report
    document = _docx(docx)
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    props = document.core_properties
    assert props.title == "Kinderschutz-Bestandsaufnahme – Landkreis Eins"
    assert props.author == "Landkreis Eins" and props.language == "de"
    usable = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert document.inline_shapes and all(
        s.width <= usable and s.height <= height for s in document.inline_shapes)
    xml = document.element.xml + section.footer._element.xml
    assert 'TOC \\o "1-2"' in xml and "PAGE" in xml and "NUMPAGES" in xml
    assert "updateFields" in document.settings.element.xml
    assert "Inhalt" in _docx_text(document)


def test_the_municipality_report_as_a_reader_gets_it(default_wave):
    """Every question in both formats; A4, properties, cover, contents, page numbers; no text
    under 8 pt and no nearly empty page; free texts under their question."""
    world, wave = default_wave
    content = builder.build_content(wave, municipality=world.m1)
    report = content, builder.render_pdf(content), builder.render_docx(content)
    _check_complete(default_wave, report)
    _check_pdf_layout(default_wave, report)
    _check_fonts_and_fill(default_wave, report)
    _check_free_texts(default_wave, report)
    _check_docx(default_wave, report)


def test_programme_report_has_participation_and_the_overview(default_wave):
    world, wave = default_wave
    content = builder.build_content(wave)
    text = _flat(_pdf_text(builder.render_pdf(content)))
    assert "Programmbericht".upper() in text.upper()
    assert "Beteiligung" in text and "Rücklauf" in text
    # participation by name: 40 of 50 codes used in Landkreis Eins
    assert re.search(r"Landkreis Eins Cluster 1: North 50 40 80 % 40", text), text[:3000]
    assert "Die Kommunen im Überblick" in text and "Arten von Kommunen" in text
    # programme Alpha does not let the institute see names in comparisons
    assert not world.a.institute_sees_names
    overview = content.overview
    assert [row.label for row in overview.municipalities] == ["Kommune 1", "Kommune 2",
                                                              "Kommune 3"]
    assert all(row.n is None and row.pk is None for row in overview.municipalities)
    assert "Kommune 3" in text and "Stadt Zwei" in text  # named only in the participation
    # every score is shown exactly where the disclosure plan publishes it
    from qdialog.disclosure import plan as plans
    from qdialog.disclosure.services import plan_for

    plan = plan_for(wave)
    for row in _named(wave).municipalities:
        for (name, _label), cell in zip(overview.dimensions, row.cells):
            shown = plan.count_shown(f"dim:{name}", plans.municipality_unit(row.pk))
            assert (cell.mean is not None) == shown
    anonymous = sorted(c.mean for row in overview.municipalities for c in row.cells
                       if c.mean is not None)
    assert anonymous == sorted(c.mean for row in _named(wave).municipalities for c in row.cells
                               if c.mean is not None)


def _named(wave):
    from qdialog.analysis.overview import wave_overview

    return wave_overview(wave, named=True)


def test_overview_with_names_where_the_programme_allows_it(default_wave):
    world, wave = default_wave
    overview = _named(wave)
    assert [row.label for row in overview.municipalities] == [
        "Landkreis Eins", "Stadt Zwei", "Landkreis Drei"]
    assert [row.n for row in overview.municipalities] == [40, 9, 30]
    assert [(p.invited, p.answered, p.answer_sets) for p in overview.participation] == [
        (50, 40, 40), (19, 9, 9), (40, 30, 30)]
    assert [(p.label, p.invited, p.answered) for p in overview.cluster_participation] == [
        ("Cluster 1: North", 69, 49), ("Cluster 2: South", 40, 30)]
    # model and partner municipalities: the plain mean of the published scores
    model_label = str(ClusterRole.MODEL.label)
    model = next(k for k in overview.kinds if k.label == model_label)
    published = [row.cells[0].mean for row in overview.municipalities
                 if row.role == model_label and row.cells[0].mean is not None]
    assert model.municipalities == 2 and published
    assert model.cells[0].mean == pytest.approx(sum(published) / len(published))


def test_english_report(default_wave):
    world, wave = default_wave
    content = builder.build_content(wave, municipality=world.m1, language="en")
    pdf = _flat(_pdf_text(builder.render_pdf(content)))
    assert "Municipality report".upper() in pdf.upper() and "Contents" in pdf
    assert "Answers per question" in pdf and "Page 2 of" in pdf
    assert "Antworten je Frage" not in pdf
    # the instrument's English texts
    assert "I know the standards." in pdf
    docx = _docx(builder.render_docx(content))
    assert docx.core_properties.language == "en"
    assert "Results by dimension" in _docx_text(docx)
