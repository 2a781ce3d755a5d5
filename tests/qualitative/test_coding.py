"""Coding a document: pages per role, the coding form with a passage and with whole units,
bad input, blind double coding, consensus apart from the coders' own codings, findings of the
identifier check, and the category system's history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.qualitative import selectors, services, system
from qdialog.qualitative.models import ChangeKind, Coding, Round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("carol", 200), ("mia", 404), ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_document_page_per_role(qd, client_for, role, status):
    response = client_for(role).get(reverse("qualitative:document", args=[qd.transcript.pk]))
    assert response.status_code == status


def test_document_page_needs_login(qd, client):
    url = reverse("qualitative:document", args=[qd.transcript.pk])
    assert client.get(url).status_code == 302


def test_reading_a_document_is_audited(qd, client_for):
    client_for("carol").get(reverse("qualitative:document", args=[qd.transcript.pk]))
    assert AuditEntry.objects.filter(action="read", object_id=str(qd.transcript.pk),
                                     actor=qd.carol).exists()


def test_page_shows_codings_in_the_margin(qd, client_for):
    services.codings_add(actor=qd.alice, document=qd.transcript, codes=[qd.cooperation],
                         start=0, end=36)
    page = client_for("alice").get(reverse("qualitative:document", args=[qd.transcript.pk]))
    html = page.content.decode()
    assert 'id="margin"' in html and "Kooperation" in html
    assert qd.cooperation.colour in html


def test_code_a_passage_by_offsets(qd, client_for):
    url = reverse("qualitative:coding_add", args=[qd.transcript.pk])
    response = client_for("carol").post(url, {"codes": [qd.cooperation.pk, qd.information.pk],
                                              "start": 4, "end": 16})
    assert response.status_code == 302
    codings = Coding.objects.filter(document=qd.transcript, coder=qd.carol)
    assert sorted(c.code.name for c in codings) == ["Information", "Kooperation"]
    assert {c.passage for c in codings} == {"telefonieren"}


def test_code_whole_units_without_javascript(qd, client_for):
    url = reverse("qualitative:coding_add", args=[qd.transcript.pk])
    response = client_for("alice").post(url, {"codes": [qd.participation.pk],
                                              "units": ["1", "2"]})
    assert response.status_code == 302
    passages = [c.passage for c in Coding.objects.filter(document=qd.transcript)]
    assert passages == ["Das Gespräch mit der Familie war schwierig.",
                        "Die Kita hat uns nicht informiert."]


@pytest.mark.parametrize("data", [
    {"start": 0, "end": 10},  # no code
    {"codes": ["999999"], "start": 0, "end": 10},  # unknown code
    {"codes": ["CODE"]},  # nothing selected
    {"codes": ["CODE"], "start": 5, "end": 5},  # empty passage
])
def test_bad_coding_input_is_refused_and_kept(qd, client_for, data):
    data = {k: ([str(qd.cooperation.pk)] if v == ["CODE"] else v) for k, v in data.items()}
    url = reverse("qualitative:coding_add", args=[qd.transcript.pk])
    response = client_for("alice").post(url, data)
    assert response.status_code == 400
    assert not Coding.objects.exists()
    assert "kern-error" in response.content.decode() or "kern-alert--danger" in \
        response.content.decode()


def test_change_and_remove_own_coding_only(qd, client_for):
    [coding] = services.codings_add(actor=qd.alice, document=qd.transcript,
                                    codes=[qd.cooperation], start=0, end=36)
    url = reverse("qualitative:coding", args=[coding.pk])
    assert client_for("carol").post(url, {"remove": "1"}).status_code == 404
    assert client_for("alice").post(url, {"code": qd.participation.pk}).status_code == 302
    coding.refresh_from_db()
    assert coding.code == qd.participation
    assert client_for("alice").post(url, {"remove": "1"}).status_code == 302
    assert not Coding.objects.exists()


def test_flagged_upload_is_not_coded_until_cleared(qd):
    document = services.document_add(actor=qd.alice, project=qd.project, kind="transcript",
                                     title="Interview", text="Frau Müller rief an. Es ging "
                                     "um das Kind.", check=True)
    assert not document.cleared and document.findings[0]["text"] == "Frau Müller"
    with pytest.raises(ValidationError):
        services.codings_add(actor=qd.alice, document=document, codes=[qd.cooperation],
                             start=0, end=10)
    document = services.finding_resolve(actor=qd.alice, document=document, index=0,
                                        replacement="[Mutter]")
    assert document.cleared and document.text.startswith("[Mutter] rief an.")
    assert services.codings_add(actor=qd.alice, document=document, codes=[qd.cooperation],
                                start=0, end=8)


def test_findings_page_confirms(qd, client_for):
    document = services.document_add(actor=qd.alice, project=qd.project, kind="transcript",
                                     title="Interview", text="Herr Schulz kam dazu.",
                                     check=True)
    url = reverse("qualitative:findings", args=[document.pk])
    assert client_for("alice").post(url, {"index": "7", "decision": "confirm"}
                                    ).status_code == 400
    assert client_for("alice").post(url, {"index": "0", "decision": "confirm"}
                                    ).status_code == 302
    document.refresh_from_db()
    assert document.cleared and document.text == "Herr Schulz kam dazu."


def _double(qd):
    services.document_update(actor=qd.alice, document=qd.transcript, double_coding=True)
    qd.transcript.refresh_from_db()
    services.codings_add(actor=qd.alice, document=qd.transcript, codes=[qd.cooperation],
                         start=0, end=36)
    services.codings_add(actor=qd.carol, document=qd.transcript, codes=[qd.cooperation],
                         start=0, end=36)
    services.codings_add(actor=qd.carol, document=qd.transcript, codes=[qd.participation],
                         start=38, end=81)


def test_double_coding_is_blind_until_every_coder_finished(qd, client_for):
    _double(qd)
    url = reverse("qualitative:document", args=[qd.transcript.pk])
    page = client_for("alice").get(url).content.decode()
    assert "Beteiligung" not in page.split('id="margin"')[1].split("</aside>")[0]
    services.coder_finish(actor=qd.alice, document=qd.transcript)
    assert selectors.is_blind(qd.transcript)
    services.coder_finish(actor=qd.carol, document=qd.transcript)
    assert not selectors.is_blind(qd.transcript)
    page = client_for("alice").get(url).content.decode()
    assert "Beteiligung" in page.split('id="margin"')[1].split("</aside>")[0]


def test_finished_coder_cannot_change_codings(qd):
    _double(qd)
    services.coder_finish(actor=qd.alice, document=qd.transcript)
    with pytest.raises(ValidationError):
        services.codings_add(actor=qd.alice, document=qd.transcript,
                             codes=[qd.participation], start=38, end=81)


def test_agreement_and_consensus(qd, client_for):
    _double(qd)
    services.coder_finish(actor=qd.alice, document=qd.transcript)
    services.coder_finish(actor=qd.carol, document=qd.transcript)
    page = client_for("alice").get(reverse("qualitative:agreement", args=[qd.project.pk]))
    assert page.status_code == 200 and "Krippendorff" in page.content.decode()
    _docs, per_code, overall, _codes = selectors.project_agreement(qd.project)
    # three sentences; both coded sentence 1 with Kooperation, only carol sentence 2
    assert per_code[str(qd.cooperation.pk)].percent == 1.0
    assert per_code[str(qd.participation.pk)].percent == pytest.approx(2 / 3)
    data = selectors.disagreements_of(qd.transcript)
    assert [r["code"] for r in data["rows"]] == [qd.participation]
    url = reverse("qualitative:consensus", args=[qd.transcript.pk])
    assert client_for("carol").post(url, {"adopt": "1"}).status_code == 302
    row = data["rows"][0]
    assert client_for("carol").post(url, {"code": qd.participation.pk, "start": row["span"].start,
                                          "end": row["span"].end, "keep": "0"}
                                    ).status_code == 302
    consensus = Coding.objects.filter(round=Round.CONSENSUS)
    assert [c.code for c in consensus] == [qd.cooperation]
    assert Coding.objects.filter(round=Round.OWN).count() == 3  # the coders' own stay
    qd.transcript.refresh_from_db()
    assert selectors.disagreements_of(qd.transcript)["rows"][0]["settled"] is False
    assert list(selectors.codings_of_record(qd.project).filter(
        document=qd.transcript)) == list(consensus)


def test_consensus_closed_while_blind(qd, client_for):
    _double(qd)
    url = reverse("qualitative:consensus", args=[qd.transcript.pk])
    assert client_for("alice").get(url).status_code == 404


def test_system_history_of_rename_merge_split(qd):
    system.code_update(actor=qd.alice, code=qd.participation, name="Beteiligung der Familie")
    extra = system.code_create(actor=qd.alice, system=qd.system, name="Mitwirkung",
                               origin="inductive")
    services.codings_add(actor=qd.alice, document=qd.transcript, codes=[extra], start=0, end=3)
    system.codes_merge(actor=qd.alice, target=qd.participation, sources=[extra])
    assert Coding.objects.get().code == qd.participation
    parts = system.code_split(actor=qd.alice, code=qd.participation,
                              names=["Beteiligung Kind", "Beteiligung Eltern"])
    assert Coding.objects.get().code == parts[0]
    kinds = [c.kind for c in qd.system.changes.order_by("version")]
    assert kinds[-4:] == [ChangeKind.RENAME, ChangeKind.CREATE, ChangeKind.MERGE,
                          ChangeKind.SPLIT]
    qd.system.refresh_from_db()
    assert qd.system.version == len(kinds) + 1


def test_local_code_of_a_municipality(qd, client_for):
    url = reverse("qualitative:code_create", args=[qd.system.pk])
    response = client_for("mia").post(url, {"name": "Kinderschutzfachkraft", "local_to":
                                            str(qd.transcript.municipality_id),
                                            "colour": "#2a9d8f", "origin": "inductive"})
    assert response.status_code == 302
    code = qd.system.codes.get(name="Kinderschutzfachkraft")
    assert code.is_local and code.municipality_id == qd.transcript.municipality_id
    assert client_for("paul").get(url).status_code == 404
    assert client_for("zoe").get(url).status_code == 404


def test_code_form_refuses_duplicate_name_and_keeps_input(qd, client_for):
    url = reverse("qualitative:code_create", args=[qd.system.pk])
    response = client_for("alice").post(url, {"name": "Beteiligung", "definition": "X y z",
                                              "colour": "#2a9d8f", "origin": "deductive"})
    assert response.status_code == 400
    assert "X y z" in response.content.decode()
    assert qd.system.codes.filter(name="Beteiligung").count() == 1


def test_replacing_a_passage_keeps_codings_on_their_words(qd):
    document = services.document_add(actor=qd.alice, project=qd.project, kind="transcript",
                                     title="Import", text="Frau Müller rief an. Danach kam "
                                     "die Schule.", check=True)
    document.cleared = True  # as an imported document with its codings
    document.save()
    after = document.text.index("Danach")
    Coding.objects.create(document=document, code=qd.cooperation, coder=qd.alice,
                          start=after, end=len(document.text))
    Coding.objects.create(document=document, code=qd.participation, coder=qd.alice,
                          start=0, end=20)
    document = services.finding_resolve(actor=qd.alice, document=document, index=0,
                                        replacement="[Mutter]")
    passages = {c.code.name: c.passage for c in document.codings.all()}
    assert passages == {"Kooperation": "Danach kam die Schule.",
                        "Beteiligung": "[Mutter] rief an."}


def test_consensus_refuses_an_impossible_unit(qd):
    _double(qd)
    services.coder_finish(actor=qd.alice, document=qd.transcript)
    services.coder_finish(actor=qd.carol, document=qd.transcript)
    for start, end in ((50, 10), (-5, -1), (10**12, 10**12 + 5)):
        with pytest.raises(ValidationError):
            services.consensus_decide(actor=qd.alice, document=qd.transcript,
                                      code=qd.cooperation, start=start, end=end, keep=True)
    assert not Coding.objects.filter(round=Round.CONSENSUS).exists()
