"""The analysis of a coding project: code frequencies against an independent count (pandas over
the raw codings), the disclosure control of everything that counts free-text answers (small
groups withheld, no withheld figure recoverable by adding up or subtracting), retrieval and its
filters, access per role, quotes only from documents the reader may read, query counts."""

import random

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qdialog.casereviews import services as casereviews
from qdialog.core.models import AuditEntry
from qdialog.disclosure.tables import TOTAL
from qdialog.qualitative import analysis, services, system
from qdialog.qualitative.models import Coding, Document, Round
from qdialog.tenancy.scope import scope_for
from tests.casereviews.test_casereviews import BASICS

PERSPECTIVES = {"Leitung": 2, "Fachkraft": 20, "Klient:in": 12, "Kooperationspartner": 6}
SYSTEMS = ["Jugendhilfe"] * 25 + ["Schule"] * 10 + ["Gesundheit"] * 3 + [None] * 2
TEXT = ("Die Zusammenarbeit mit der Schule klappt gut. Wir erfahren zu spät von den Fällen. "
        "Die Eltern werden nicht beteiligt. Wir wünschen uns feste Ansprechpersonen.")


def _free_text(qd, world, n, perspective, professional_system, wave="Baseline (t0)"):
    attributes = {"wave": wave, "perspective": perspective}
    if professional_system:
        attributes["professional_system"] = professional_system
    return Document.objects.create(
        project=qd.project, kind="free_text", title=f"Was sollte sich ändern? ({n})",
        text=TEXT, municipality=world.m1 if n % 3 else world.m2, attributes=attributes,
        source=f"text:0:0:{n}")


@pytest.fixture
def material(qd, world):
    """40 free-text answers in four perspectives (one of them only 2) and three professional
    systems, coded at random; a transcript; a double-coded answer with own and consensus
    codings, and one still without consensus."""
    rare = system.code_create(actor=qd.alice, system=qd.system, name="Selten")
    codes = [qd.cooperation, qd.information, qd.participation]
    rng = random.Random(17)
    perspectives = [p for p, n in PERSPECTIVES.items() for _ in range(n)]
    rng.shuffle(perspectives)
    documents, codings = [], []
    for n, (perspective, professional_system) in enumerate(zip(perspectives, SYSTEMS)):
        document = _free_text(qd, world, n, perspective, professional_system)
        documents.append(document)
        for code in rng.sample(codes, rng.randint(0, 3)):
            for _ in range(rng.randint(1, 2)):
                start = rng.randrange(0, len(TEXT) - 20)
                codings.append(Coding(document=document, code=code, coder=qd.alice,
                                      start=start, end=start + rng.randint(5, 40)))
    for document in documents[:2]:
        codings.append(Coding(document=document, code=rare, coder=qd.alice, start=0, end=8))
    for code in (qd.cooperation, qd.participation):
        codings.append(Coding(document=qd.transcript, code=code, coder=qd.alice, start=0,
                              end=30))
    double = _free_text(qd, world, 99, "Fachkraft", "Jugendhilfe")
    pending = _free_text(qd, world, 98, "Fachkraft", "Jugendhilfe")
    Document.objects.filter(pk__in=[double.pk, pending.pk]).update(double_coding=True)
    for coder in (qd.alice, qd.carol):
        for document in (double, pending):
            codings.append(Coding(document=document, code=qd.participation, coder=coder,
                                  start=0, end=20))
    codings.append(Coding(document=double, code=qd.cooperation, coder=qd.alice,
                          round=Round.CONSENSUS, start=0, end=20))
    Coding.objects.bulk_create(codings)
    return rare


def _raw(project):
    """The raw codings with their documents, and the record rule applied independently."""
    frame = pd.DataFrame(list(Coding.objects.filter(document__project=project).values(
        "document_id", "code_id", "round", "document__double_coding", "document__kind",
        "document__attributes")))
    record = ((~frame["document__double_coding"] & (frame["round"] == "own"))
              | (frame["document__double_coding"] & (frame["round"] == "consensus")))
    frame = frame[record].copy()
    for key in ("perspective", "professional_system"):
        frame[key] = frame["document__attributes"].map(lambda a, key=key: a.get(key) or "")
    return frame


def _result(qd, user="alice", **kw):
    person = qd.alice if user == "alice" else user
    return analysis.frequencies(scope=scope_for(person), user=person, project=qd.project, **kw)


def test_frequencies_equal_an_independent_count(qd, material):
    frame = _raw(qd.project)
    free = frame[frame["document__kind"] == "free_text"]
    result = _result(qd)
    assert result.minimum == 5
    assert result.free_texts == Document.objects.filter(project=qd.project,
                                                        kind="free_text").count()
    shown = 0
    for row in result.rows:
        mine = frame[frame["code_id"] == row.code.pk]
        if row.withheld:
            continue
        shown += 1
        assert row.codings == len(mine)
        assert row.documents == mine["document_id"].nunique()
        assert row.free_texts == free[free["code_id"] == row.code.pk]["document_id"].nunique()
    assert shown >= 3
    for breakdown in result.breakdowns:
        sizes = (pd.DataFrame(list(Document.objects.filter(
            project=qd.project, kind="free_text").values("attributes")))["attributes"]
            .map(lambda a, key=breakdown.key: a.get(key) or "").value_counts())
        for key, size in breakdown.sizes.items():
            if size is not None:
                assert size == sizes[key]
        for row, figures, total in breakdown.rows:
            mine = free[free["code_id"] == row.code.pk]
            for (key, _label), figure in zip(breakdown.groups, figures):
                cell = mine[mine[breakdown.key] == key]
                if not figure.withheld:
                    assert figure.value == cell["document_id"].nunique()
                    assert figure.codings == len(cell)
            if not total.withheld:
                assert total.value == mine["document_id"].nunique()


def test_cooccurrence_equals_an_independent_count(qd, material):
    rows = list(Coding.objects.filter(document__project=qd.project).values_list(
        "document_id", "code_id", "start", "end", "round", "document__double_coding"))
    rows = [r for r in rows if (r[4] == "consensus") == r[5]]
    overlap, same = {}, {}
    for d1, c1, s1, e1, *_ in rows:
        for d2, c2, s2, e2, *_ in rows:
            if d1 == d2 and c1 != c2:
                same.setdefault((c1, c2), set()).add(d1)
                if s1 < e2 and s2 < e1:
                    overlap.setdefault((c1, c2), set()).add(d1)
    for mode, expected in (("overlap", overlap), ("document", same)):
        result = _result(qd, cooccurrence=mode)
        checked = 0
        for (a, b), value in result.cooccurrence.cells.items():
            if value is not None:
                assert value == len(expected.get((a, b), ())), (mode, a, b)
                checked += 1
        assert checked


def test_small_groups_and_rare_codes_are_withheld(qd, material):
    result = _result(qd)
    by_perspective = next(b for b in result.breakdowns if b.key == "perspective")
    assert by_perspective.sizes["Leitung"] is None  # 2 answers, below 5
    leitung = [k for k, _ in by_perspective.groups].index("Leitung")
    for _row, figures, _total in by_perspective.rows:
        assert figures[leitung].withheld
    rare = next(r for r in result.rows if r.code == material)
    assert rare.withheld and rare.codings is None and rare.free_texts is None
    page = analysis.frequencies(scope=scope_for(qd.alice), user=qd.alice, project=qd.project)
    assert page.withheld


def _attack(values: dict, total, minimum: int, total_true: int):
    """What adding up and subtracting tells about the withheld cells of a row whose groups sum
    to its total: a single withheld cell with a published total is given away; otherwise every
    withheld cell lies in [0, total − published], which must stay at least the minimum wide
    (or the row's own total, if smaller). A withheld total next to all groups published would
    be their sum."""
    hidden = [k for k, v in values.items() if v is None]
    published = sum(v for v in values.values() if v is not None)
    if total is None:
        assert hidden, "a withheld total is the sum of its published groups"
        return
    assert len(hidden) != 1, f"{hidden[0]} = total − the others"
    if hidden:
        assert total - published >= min(minimum, total_true)


def test_no_withheld_figure_can_be_worked_out(qd, material):
    result = _result(qd)
    frame = _raw(qd.project)
    free = frame[frame["document__kind"] == "free_text"]
    totals_withheld = {r.code.pk for r in result.rows if r.withheld}
    attacked = 0
    for breakdown in result.breakdowns:
        _attack(breakdown.sizes, breakdown.total, result.minimum, breakdown.total)
        for row, figures, total in breakdown.rows:
            values = {key: f.value for (key, _l), f in zip(breakdown.groups, figures)}
            true_total = free[free["code_id"] == row.code.pk]["document_id"].nunique()
            _attack(values, total.value, result.minimum, true_total)
            # the same total everywhere: withheld in one table, withheld in all
            assert total.withheld == (row.code.pk in totals_withheld)
            codings = {key: f.codings for (key, _l), f in zip(breakdown.groups, figures)}
            assert [k for k, v in codings.items() if v is None] == [
                k for k, v in values.items() if v is None]
            attacked += any(v is None for v in values.values())
    assert attacked
    for (a, b), value in result.cooccurrence.cells.items():
        if a in totals_withheld or b in totals_withheld:
            assert value is None


def test_a_withheld_cell_is_protected_by_another(qd, world):
    """One group below the minimum and the others published: the last remaining group (or
    the total) must go too, or total − published gives it away."""
    for n in range(12):
        perspective = "Leitung" if n < 2 else ("Fachkraft" if n < 7 else "Klient:in")
        document = _free_text(qd, world, n, perspective, None)
        Coding.objects.create(document=document, code=qd.participation, coder=qd.alice,
                              start=0, end=10)
    result = _result(qd)
    by_perspective = next(b for b in result.breakdowns if b.key == "perspective")
    row = next(r for r in by_perspective.rows if r[0].code == qd.participation)
    hidden = [k for (k, _l), f in zip(by_perspective.groups, row[1]) if f.withheld]
    assert "Leitung" in hidden and (len(hidden) >= 2 or row[2].withheld)
    assert len([s for s in by_perspective.sizes.values() if s is None]) >= 2


def test_few_free_texts_are_left_out(qd):
    Coding.objects.create(document=qd.answer, code=qd.cooperation, coder=qd.alice, start=0,
                          end=10)
    Coding.objects.create(document=qd.transcript, code=qd.cooperation, coder=qd.alice,
                          start=0, end=10)
    result = _result(qd)
    assert result.free_texts_left_out and not result.breakdowns
    row = next(r for r in result.rows if r.code == qd.cooperation)
    assert (row.codings, row.documents, row.free_texts) == (1, 1, 0)


def test_minimum_default_and_wave(qd):
    assert analysis.minimum_size(qd.project, []) == 5
    assert analysis.minimum_size(qd.project, ["no such wave"]) == 5


# --- retrieval ---------------------------------------------------------------------------------
def _retrieve(qd, user=None, code=None, **kw):
    user = user or qd.alice
    return analysis.retrieval(scope=scope_for(user), user=user, project=qd.project,
                              code=code or qd.cooperation, **kw)


def test_retrieval_filters_and_sub_codes(qd, world):
    transcript = qd.transcript
    transcript.attributes = {"wave": "Baseline (t0)"}
    transcript.save()
    Coding.objects.create(document=transcript, code=qd.cooperation, coder=qd.alice, start=0,
                          end=36)
    Coding.objects.create(document=transcript, code=qd.information, coder=qd.alice, start=38,
                          end=70)
    Coding.objects.create(document=qd.answer, code=qd.cooperation, coder=qd.alice, start=0,
                          end=45)
    result = _retrieve(qd)
    assert result.count == 2
    passage = next(p for p in result.page.object_list if p.document == transcript)
    assert passage.text == transcript.text[0:36] and passage.after.startswith("\n\nDas")
    assert _retrieve(qd, with_children=True).count == 3
    assert _retrieve(qd, filters={"wave": "Baseline (t0)"}).count == 1
    assert _retrieve(qd, filters={"municipality": world.m2.pk}).count == 0
    assert _retrieve(qd, filters={"municipality": world.m1.pk}).count == 1  # one answer: too few


def test_retrieval_withholds_quotes_of_small_groups(qd, world):
    for n in range(14):
        perspective = "Leitung" if n < 2 else ("Fachkraft" if n < 8 else "Klient:in")
        document = _free_text(qd, world, n, perspective, None)
        Coding.objects.create(document=document, code=qd.participation, coder=qd.alice,
                              start=0, end=10)
    code = qd.participation
    assert _retrieve(qd, code=code).count == 14
    small = _retrieve(qd, code=code, filters={"perspective": "Leitung"})
    assert small.count == 0 and small.free_texts_withheld
    # Fachkraft (6) and Klient:in (6) would give Leitung away by subtracting: one is withheld
    shown = [_retrieve(qd, code=code, filters={"perspective": p}) for p in
             ("Fachkraft", "Klient:in")]
    assert sum(1 for r in shown if r.free_texts_withheld) >= 1


def test_retrieval_paginates(qd, world):
    Coding.objects.bulk_create(Coding(document=qd.transcript, code=qd.cooperation,
                                      coder=qd.alice, start=n, end=n + 3) for n in range(60))
    first = _retrieve(qd)
    assert first.count == 60 and len(first.page.object_list) == analysis.PAGE_SIZE
    assert len(_retrieve(qd, page=2).page.object_list) == 60 - analysis.PAGE_SIZE


def test_quotes_only_from_readable_documents(qd, world, client_for):
    mia = world.people["mia"]
    services.project_update(actor=qd.alice, project=qd.project, coders=[qd.alice, qd.carol, mia])
    review = casereviews.review_create(actor=mia, municipality=world.m1, fields=dict(BASICS))
    secret = services.document_add(actor=qd.alice, project=qd.project, kind="case_review",
                                   title="Chronologie", text="Die Übergabe fand nicht statt.",
                                   municipality=world.m1, case_review=review)
    Coding.objects.create(document=secret, code=qd.cooperation, coder=mia, start=0, end=12)
    url = reverse("qualitative:retrieval", args=[qd.project.pk]) + f"?code={qd.cooperation.pk}"
    page = client_for("carol").get(url)
    assert page.status_code == 200 and "Chronologie" not in page.text
    assert "Die Übergabe" not in page.text
    assert "Chronologie" in client_for("mia").get(url).text
    frequencies = client_for("carol").get(reverse("qualitative:frequencies",
                                                  args=[qd.project.pk]))
    row = next(r for r in _result(qd, user=qd.carol).rows if r.code == qd.cooperation)
    assert row.documents == 0 and frequencies.status_code == 200


# --- pages -------------------------------------------------------------------------------------
def _urls(qd):
    pk = qd.project.pk
    return [reverse("qualitative:retrieval", args=[pk]),
            reverse("qualitative:retrieval", args=[pk]) + f"?code={qd.cooperation.pk}",
            reverse("qualitative:frequencies", args=[pk]),
            reverse("qualitative:frequencies", args=[pk]) + "?cooccurrence=document",
            reverse("qualitative:frequencies_chart", args=[pk]),
            reverse("qualitative:cooccurrence_chart", args=[pk])]


@pytest.mark.parametrize("role,status", [("alice", 200), ("carol", 200), ("mia", 404),
                                         ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_access_per_role(qd, client_for, role, status):
    client = client_for(role)
    for url in _urls(qd):
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_log_in(qd, client_for):
    for url in _urls(qd):
        response = client_for("anon").get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_charts_are_svg_and_show_withheld(qd, material, client_for):
    client = client_for("alice")
    chart = client.get(reverse("qualitative:frequencies_chart", args=[qd.project.pk]))
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert chart.content.lstrip().startswith(b"<svg") and b"withheld" in chart.content
    matrix = client.get(reverse("qualitative:cooccurrence_chart", args=[qd.project.pk]))
    assert matrix["Content-Type"].startswith("image/svg+xml") and b"<svg" in matrix.content


def test_bad_filter_answers_400_and_records_nothing(qd, client_for):
    client = client_for("alice")
    before = AuditEntry.objects.count()
    response = client.get(reverse("qualitative:retrieval", args=[qd.project.pk]),
                                       {"code": "999999", "wave": "x"})
    assert response.status_code == 400 and 'aria-invalid' in response.text
    assert AuditEntry.objects.count() == before


def test_retrieval_is_an_audited_read(qd, client_for):
    client_for("alice").get(reverse("qualitative:retrieval", args=[qd.project.pk]),
                            {"code": qd.cooperation.pk})
    assert AuditEntry.objects.filter(action="read", actor=qd.alice).exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_codings(qd, world, client_for):
    client = client_for("alice")
    pk = qd.project.pk
    urls = [reverse("qualitative:frequencies", args=[pk]),
            reverse("qualitative:retrieval", args=[pk]) + f"?code={qd.cooperation.pk}"]
    Coding.objects.create(document=qd.transcript, code=qd.cooperation, coder=qd.alice,
                          start=0, end=5)
    small = [_queries(client, url) for url in urls]
    for n in range(30):
        document = _free_text(qd, world, n, "Fachkraft" if n % 2 else "Klient:in",
                              "Jugendhilfe")
        Coding.objects.bulk_create(Coding(document=document, code=code, coder=qd.alice,
                                          start=k, end=k + 9) for k in range(3)
                                   for code in (qd.cooperation, qd.participation))
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert large[0] <= 14 and large[1] <= 16


def test_protection_matches_the_tables_layer():
    """A row with one group below the minimum: tables.protect withholds a second cell."""
    counts = {"a": 2, "b": 9, "c": 9}
    hidden = analysis._protect_row(counts, ["a", "b", "c"], 5)
    assert "a" in hidden and len(hidden - {TOTAL}) + (TOTAL in hidden) >= 2


def test_local_codes_of_other_municipalities_stay_hidden(qd, world, client_for):
    local = system.code_create(actor=world.people["oscar"], system=qd.system,
                               name="Lokal-Drei-Marker", municipality=world.m3)
    assert local.municipality == world.m3
    pk = qd.project.pk
    for url in (reverse("qualitative:frequencies", args=[pk]),
                reverse("qualitative:retrieval", args=[pk])):
        assert "Lokal-Drei-Marker" not in client_for("carol").get(url).text
        assert "Lokal-Drei-Marker" in client_for("alice").get(url).text
    response = client_for("carol").get(reverse("qualitative:retrieval", args=[pk]),
                                       {"code": local.pk})
    assert response.status_code == 400
