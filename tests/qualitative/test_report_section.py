"""The reports' section "Was die Beteiligten sagen": codes of released free texts named only
when enough answers carry them, no numbers, quotes only of texts still released, in the PDF
and the DOCX."""

import pytest

from qdialog.qualitative import material, selectors, services
from qdialog.qualitative.models import Document
from qdialog.reports import builder
from qdialog.reports.services import text_decide
from tests.analysis.test_results import wave  # noqa: F401 - fixture
from tests.qualitative.test_material import TEXTS, texts  # noqa: F401 - fixture
from tests.reports.test_documents import _docx, _docx_text, _flat, _pdf_text

pytestmark = pytest.mark.django_db


def _code_all(qd, closed, code, quote_text=None):
    qd.project.in_reports = True
    qd.project.save()
    material.gather_free_texts(actor=qd.alice, project=qd.project, wave=closed)
    for document in Document.objects.filter(kind="free_text", source__startswith="text:"):
        [coding] = services.codings_add(actor=qd.alice, document=document, codes=[code],
                                        start=0, end=len(document.text))
        if document.text == quote_text:
            services.coding_update(actor=qd.alice, coding=coding, quote=True)


def test_a_code_below_the_group_size_is_not_named(qd, texts):  # noqa: F811
    _code_all(qd, texts, qd.cooperation)  # four answers, the wave's minimum is five
    assert selectors.report_voices(wave=texts) == []


def test_codes_and_quotes_of_released_texts(qd, world, texts):  # noqa: F811
    type(texts).objects.filter(pk=texts.pk).update(min_group_size=3)
    texts.refresh_from_db()
    _code_all(qd, texts, qd.cooperation, quote_text=TEXTS["both"])
    [voice] = selectors.report_voices(wave=texts)
    assert voice.code == qd.cooperation
    assert [q for q, _source in voice.quotes] == [TEXTS["both"]]
    # M1 alone has three coded answers: still named; M2 alone one: not
    assert selectors.report_voices(wave=texts, municipality_ids=[world.m1.pk])
    assert selectors.report_voices(wave=texts, municipality_ids=[world.m2.pk]) == []
    content = builder.build_content(texts, municipality=world.m1)
    assert [v.quotes for v in content.voices] == [[TEXTS["both"]]]
    pdf = _flat(_pdf_text(builder.render_pdf(content)))
    assert "Was die Beteiligten sagen" in pdf and TEXTS["both"] in pdf
    docx = _docx_text(_docx(builder.render_docx(content)))
    assert "Was die Beteiligten sagen" in docx and TEXTS["both"] in docx
    # withheld afterwards: the quote drops out of the report
    text_decide(actor=world.people["mia"], wave=texts, municipality=world.m1, variable="long",
                text=TEXTS["both"], release=False)
    content = builder.build_content(texts, municipality=world.m1)
    assert all(not v.quotes for v in content.voices)


def test_only_released_kinds_are_quoted(qd):
    [coding] = services.codings_add(actor=qd.alice, document=qd.transcript,
                                    codes=[qd.cooperation], start=0, end=10)
    with pytest.raises(Exception, match="quoted"):
        services.coding_update(actor=qd.alice, coding=coding, quote=True)
