"""REFI-QDA exchange (qdialog/qualitative/refi.py): the exported codebook and project validate
against the published schemas (tests/fixtures/refi), a file as another tool writes it imports,
a round trip keeps every coding, hostile files are refused, and the pages answer per role."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from qdialog.core.models import AuditEntry
from qdialog.qualitative import refi, refi_import, services, system
from qdialog.qualitative.models import Code, Coding, Document, Memo, Round

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "refi"
NS = {"p": refi.NS_PROJECT, "c": refi.NS_CODEBOOK}


def valid(schema: str, xml: bytes) -> etree._Element:
    checker = etree.XMLSchema(etree.parse(str(FIXTURES / schema)))
    tree = etree.fromstring(xml)
    assert checker.validate(tree), checker.error_log
    return tree


def span(document, passage):
    start = document.text.index(passage)
    return start, start + len(passage)


@pytest.fixture
def coded(qd):
    """Own codings on the answer (single coding), a double-coded transcript with both coders'
    codings and a consensus, and memos on the project, a document, a passage and a code."""
    alice, carol = qd.alice, qd.carol
    late = span(qd.answer, "Die Rückmeldung vom Jugendamt kommt zu spät.")
    services.codings_add(actor=alice, document=qd.answer, codes=[qd.cooperation], start=late[0],
                         end=late[1])
    services.codings_add(actor=carol, document=qd.answer, codes=[qd.participation],
                         memo="früher beteiligen", **dict(zip(("start", "end"), span(
                             qd.answer, "Wir würden gern früher beteiligt werden."))))
    services.document_update(actor=alice, document=qd.transcript, double_coding=True)
    school = span(qd.transcript, "Wir telefonieren oft mit der Schule.")
    kita = span(qd.transcript, "Die Kita hat uns nicht informiert.")
    for coder in (alice, carol):
        services.codings_add(actor=coder, document=qd.transcript, codes=[qd.cooperation],
                             start=school[0], end=school[1])
    services.codings_add(actor=alice, document=qd.transcript, codes=[qd.information],
                         start=kita[0], end=kita[1])
    for coder in (alice, carol):
        services.coder_finish(actor=coder, document=qd.transcript)
    services.consensus_decide(actor=alice, document=qd.transcript, code=qd.cooperation,
                              start=school[0], end=school[1], keep=True)
    services.memo_save(actor=alice, project=qd.project, text="Projektmemo")
    services.memo_save(actor=carol, project=qd.project, document=qd.transcript,
                       text="Diskussion war lebhaft")
    services.memo_save(actor=alice, project=qd.project, code=qd.participation,
                       text="Abgrenzung zu Kooperation klären")
    return qd


def unpack(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def qdpx(qde: str | bytes, **files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde if isinstance(qde, bytes) else qde.encode())
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def fresh_project(qd, title="Neu", category_system=None):
    return services.project_create(actor=qd.alice, programme=qd.project.programme,
                                   system=category_system or qd.system, title=title)


# --- codebook ----------------------------------------------------------------------------------
def test_codebook_export_validates_and_keeps_the_mayring_parts(qd):
    tree = valid("Codebook.xsd", refi.codebook_export(qd.system))
    top = tree.findall("c:Codes/c:Code", NS)
    assert [c.get("name") for c in top] == ["Kooperation", "Beteiligung"]
    assert top[0].find("c:Code", NS).get("name") == "Information"
    description = top[0].find("c:Description", NS).text
    assert description.startswith("Definition: Zusammenarbeit")
    assert refi.split_description(description) == {
        "definition": "Zusammenarbeit zwischen Institutionen",
        "anchor_example": "Wir rufen uns direkt an.",
        "coding_rule": "Nur wenn zwei Institutionen genannt werden."}
    assert top[0].get("guid") == str(qd.cooperation.guid)
    assert top[0].get("isCodable") == "true" and top[0].get("color") == qd.cooperation.colour


def test_codebook_export_leaves_out_other_municipalities_local_codes(qd, world):
    system.code_create(actor=qd.alice, system=qd.system, name="Nur in Drei",
                       municipality=world.m3)
    seen = refi.codebook_export(qd.system, local_seen={world.m1.pk})
    assert b"Nur in Drei" not in seen and b"Kooperation" in seen
    assert b"Nur in Drei" in refi.codebook_export(qd.system)


def test_codebook_import_adds_what_is_missing_and_is_idempotent(qd, world):
    data = refi.codebook_export(qd.system)
    target = system.system_create(actor=qd.alice, programme=world.a, name="Leer")
    result = refi_import.codebook_import(actor=qd.alice, system=target, data=data)
    assert (result.codes_created, result.codes_skipped) == (3, 0)
    info = Code.objects.get(system=target, name="Information")
    assert info.parent.name == "Kooperation" and info.origin == "deductive"
    cooperation = info.parent
    assert cooperation.anchor_example == "Wir rufen uns direkt an."
    assert cooperation.coding_rule == "Nur wenn zwei Institutionen genannt werden."
    again = refi_import.codebook_import(actor=qd.alice, system=target, data=data)
    assert (again.codes_created, again.codes_skipped) == (0, 3)
    same = refi_import.codebook_import(actor=qd.alice, system=qd.system, data=data)
    assert same.codes_created == 0 and Code.objects.filter(system=qd.system).count() == 3
    entry = AuditEntry.objects.filter(action="import").latest("pk")
    assert entry.actor == qd.alice and entry.params["created"] == 0


def test_codebook_import_reads_a_codebook_of_another_tool(qd, world):
    target = system.system_create(actor=qd.alice, programme=world.a, name="Von MAXQDA")
    data = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{refi.NS_CODEBOOK}" origin="MAXQDA 2022">
  <Codes>
    <Code guid="{{6F0A1C4E-93B1-4C5D-8E2A-0B6C1D2E3F40}}" name="Hilfeplanung" isCodable="false"
          color="#A0B">
      <Description>Alles zur Hilfeplanung.</Description>
      <Code guid="0E1D2C3B-4A59-4687-9A0B-1C2D3E4F5A6B" name="Beteiligung im Hilfeplan"
            isCodable="true">
        <Description>Kodierregel: nur Hilfeplangespräche</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>""".encode()
    assert valid("Codebook.xsd", data) is not None
    result = refi_import.codebook_import(actor=qd.alice, system=target, data=data)
    assert result.codes_created == 2
    parent = Code.objects.get(system=target, name="Hilfeplanung")
    assert parent.definition == "Alles zur Hilfeplanung." and parent.colour == "#aa00bb"
    child = Code.objects.get(system=target, parent=parent)
    assert child.coding_rule == "nur Hilfeplangespräche" and child.definition == ""


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<{root} xmlns="{ns}"><Codes><Code guid="6f0a1c4e-93b1-4c5d-8e2a-0b6c1d2e3f40" name="&lol3;"
isCodable="true"/></Codes></{root}>"""


@pytest.mark.parametrize("data, message", [
    (BOMB.format(root="CodeBook", ns=refi.NS_CODEBOOK), "document type"),
    (f'<CodeBook xmlns="{refi.NS_CODEBOOK}"><Codes><Code name="x" isCodable="true"/></Codes>'
     "</CodeBook>", "guid"),
    (f'<CodeBook xmlns="{refi.NS_CODEBOOK}"><Codes/></CodeBook>', "no codes"),
    (f'<Project xmlns="{refi.NS_PROJECT}" name="p"/>', "project, not a codebook"),
    ("<CodeBook><Codes/></CodeBook>", "namespace"),
    ("not xml at all", "well-formed"),
])
def test_codebook_import_refuses_invalid_and_hostile_files(qd, data, message):
    before = Code.objects.count()
    with pytest.raises(ValidationError) as refused:
        refi_import.codebook_import(actor=qd.alice, system=qd.system, data=data.encode())
    assert message in " ".join(refused.value.messages)
    assert Code.objects.count() == before


# --- project export ----------------------------------------------------------------------------
def test_project_export_validates_and_holds_what_it_should(coded):
    body = refi.project_export(coded.project, user=coded.alice)
    files = unpack(body)
    tree = valid("Project.xsd", files["project.qde"])
    assert b"@example.org" not in files["project.qde"]
    users = {u.get("name"): u for u in tree.findall("p:Users/p:User", NS)}
    assert {"Alice Institut", "Carol Cluster", "Konsens"} <= set(users)
    assert users["Konsens"].get("id") == refi.CONSENSUS_ID
    assert users["Alice Institut"].get("guid") == refi.user_guid(coded.project, coded.alice.pk)
    sources = tree.findall("p:Sources/p:TextSource", NS)
    assert len(sources) == 2
    for source in sources:
        document = Document.objects.get(guid=source.get("guid"))
        path = source.get("plainTextPath").removeprefix("internal://")
        assert files[f"sources/{path}"].decode() == document.text
        for selection in source.findall("p:PlainTextSelection", NS):
            coding = Coding.objects.get(guid=selection.get("guid"))
            assert (int(selection.get("startPosition")),
                    int(selection.get("endPosition"))) == (coding.start, coding.end)
            code_ref = selection.find("p:Coding/p:CodeRef", NS).get("targetGUID")
            assert code_ref == str(coding.code.guid)
            consensus = selection.find("p:Coding", NS).get("creatingUser") == users[
                "Konsens"].get("guid")
            assert consensus == (coding.round == Round.CONSENSUS)
    assert len(tree.findall(".//p:PlainTextSelection", NS)) == Coding.objects.filter(
        document__project=coded.project).count() == 6
    variables = {v.get("name") for v in tree.findall("p:Variables/p:Variable", NS)}
    assert {"wave", "perspective", "municipality"} <= variables
    assert len(tree.findall("p:Notes/p:Note", NS)) == 4
    assert tree.find("p:NoteRef", NS) is not None  # the project memo
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.actor == coded.alice and entry.params["codings"] == 6


def test_project_export_holds_only_documents_the_person_may_read(qd, world):
    services.document_add(actor=qd.alice, project=qd.project, kind="transcript",
                          title="Aus Drei", text="Nur für Drei.", municipality=world.m3)
    mine = unpack(refi.project_export(qd.project, user=qd.carol))  # cluster 1 only
    assert b"Aus Drei" not in mine["project.qde"] and len(mine) == 3
    everything = unpack(refi.project_export(qd.project, user=qd.alice))
    assert b"Aus Drei" in everything["project.qde"] and len(everything) == 4


def test_blind_codings_of_others_stay_out_of_a_coders_export(qd):
    services.document_update(actor=qd.alice, document=qd.transcript, double_coding=True)
    for coder in (qd.alice, qd.carol):
        services.codings_add(actor=coder, document=qd.transcript, codes=[qd.cooperation],
                             start=0, end=10)
    tree = etree.fromstring(unpack(refi.project_export(qd.project, user=qd.alice))["project.qde"])
    creators = {s.get("creatingUser") for s in tree.iterfind(".//p:PlainTextSelection", NS)}
    assert creators == {refi.user_guid(qd.project, qd.alice.pk)}


# --- round trip --------------------------------------------------------------------------------
def _codings(project):
    return sorted((c.document.title, c.code.name, c.document.text[c.start:c.end], c.round)
                  for c in Coding.objects.filter(document__project=project)
                  .select_related("document", "code"))


@pytest.mark.parametrize("same_system", [True, False])
def test_round_trip_keeps_every_coding(coded, world, same_system):
    body = refi.project_export(coded.project, user=coded.alice)
    category_system = coded.system if same_system else system.system_create(
        actor=coded.alice, programme=world.a, name="Frisch")
    target = fresh_project(coded, category_system=category_system)
    result = refi_import.project_import(actor=coded.alice, project=target, data=body)
    assert _codings(target) == _codings(coded.project)
    assert result.codings_created == 6 and result.codings_skipped == 0
    assert result.codes_created == (0 if same_system else 3)
    assert result.documents_created == 2 and result.memos_created == 4
    assert Coding.objects.filter(document__project=target, round=Round.CONSENSUS).count() == 1
    transcript = target.documents.get(title="Gruppendiskussion ASD")
    assert transcript.double_coding and transcript.kind == "transcript"
    assert target.documents.get(title__startswith="Was sollte").attributes == {
        "wave": "Baseline", "perspective": "professional"}
    assert set(target.documents.values_list("municipality", flat=True)) == {world.m1.pk}
    assert Memo.objects.filter(project=target, coding__isnull=False).get().text == (
        "früher beteiligen")
    assert Memo.objects.filter(project=target, code__isnull=False).get().code.name == (
        "Beteiligung")
    assert result.coders == {"Alice Institut": 3, "Carol Cluster": 2, "Konsens": 1}
    again = refi_import.project_import(actor=coded.alice, project=target, data=body)
    assert again.documents_existing == 2 and again.codings_created == 0


# --- import from another tool ------------------------------------------------------------------
OTHER = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="{refi.NS_PROJECT}" name="Interviews" origin="MAXQDA 2022 (Release 22.7.0)"
         creatingUserGUID="{{AD68FBE7-E1EE-4A82-A279-000000000001}}">
  <Users>
    <User guid="{{AD68FBE7-E1EE-4A82-A279-000000000001}}" name="Rita Research"/>
    <User guid="{{AD68FBE7-E1EE-4A82-A279-000000000002}}" name="Konsens"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{{10000000-0000-4000-8000-000000000001}}" name="Kooperation" isCodable="true">
      <Code guid="{{10000000-0000-4000-8000-000000000002}}" name="Schule" isCodable="true"
            color="#336699"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{{20000000-0000-4000-8000-000000000001}}" name="municipality"
              typeOfVariable="Text"/>
    <Variable guid="{{20000000-0000-4000-8000-000000000002}}" name="Rolle" typeOfVariable="Text"/>
  </Variables>
  <Sources>
    <TextSource guid="{{30000000-0000-4000-8000-000000000001}}" name="Interview A"
                plainTextPath="internal://30000000-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="{{40000000-0000-4000-8000-000000000001}}" startPosition="26"
                          endPosition="48"
                          creatingUser="{{AD68FBE7-E1EE-4A82-A279-000000000001}}">
        <Coding guid="{{50000000-0000-4000-8000-000000000001}}"
                creatingUser="{{AD68FBE7-E1EE-4A82-A279-000000000001}}">
          <CodeRef targetGUID="{{10000000-0000-4000-8000-000000000002}}"/>
        </Coding>
        <NoteRef targetGUID="{{60000000-0000-4000-8000-000000000001}}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{{40000000-0000-4000-8000-000000000002}}" startPosition="0"
                          endPosition="22">
        <Coding guid="{{50000000-0000-4000-8000-000000000002}}"
                creatingUser="{{AD68FBE7-E1EE-4A82-A279-000000000002}}">
          <CodeRef targetGUID="{{10000000-0000-4000-8000-000000000001}}"/>
        </Coding>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="{{20000000-0000-4000-8000-000000000001}}"/>
        <TextValue>Landkreis Eins</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{{20000000-0000-4000-8000-000000000002}}"/>
        <TextValue>Lehrerin</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="{{30000000-0000-4000-8000-000000000002}}" name="Feldnotiz">
      <PlainTextContent>Frau Müller kam spät zum Termin.</PlainTextContent>
      <PlainTextSelection guid="{{40000000-0000-4000-8000-000000000003}}" startPosition="0"
                          endPosition="999">
        <Coding guid="{{50000000-0000-4000-8000-000000000003}}">
          <CodeRef targetGUID="{{10000000-0000-4000-8000-000000000001}}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="{{30000000-0000-4000-8000-000000000003}}" name="Foto"
                   path="internal://30000000-0000-4000-8000-000000000003.png"/>
  </Sources>
  <Notes>
    <Note guid="{{60000000-0000-4000-8000-000000000001}}" name="Memo">
      <PlainTextContent>Schule meldet sich selten.</PlainTextContent>
    </Note>
  </Notes>
</Project>"""
#: a Windows text with a byte-order mark: offsets count characters, CR LF as two
INTERVIEW = "\ufeffDas Jugendamt ruft an.\r\n\r\nDie Schule meldet sich selten.\r\n"


def test_import_of_a_project_file_written_by_another_tool(qd, world):
    valid("Project.xsd", OTHER.encode())
    data = qdpx(OTHER, **{"sources/30000000-0000-4000-8000-000000000001.txt":
                          INTERVIEW.encode("utf-8"), "sources/x.png": b"\x89PNG"})
    target = fresh_project(qd)
    result = refi_import.project_import(actor=qd.alice, project=target, data=data)
    assert (result.documents_created, result.sources_skipped) == (2, 1)
    assert (result.codings_created, result.codings_skipped) == (2, 1)
    assert result.codes_created == 1 and result.codes_skipped == 1  # Kooperation is there
    interview = target.documents.get(title="Interview A")
    assert interview.kind == "transcript" and interview.municipality == world.m1
    assert interview.attributes == {"Rolle": "Lehrerin"} and "\r" not in interview.text
    passages = {c.round: (c.code.name, c.passage, c.coder) for c in interview.codings.all()}
    assert passages[Round.OWN] == ("Schule", "Die Schule meldet sich", qd.alice)
    assert passages[Round.CONSENSUS] == ("Kooperation", "Das Jugendamt ruft an.", qd.alice)
    assert Code.objects.get(system=qd.system, name="Schule").parent == qd.cooperation
    assert Memo.objects.get(project=target).coding.document == interview
    note = target.documents.get(title="Feldnotiz")
    assert not note.cleared and note.findings and result.flagged == 1
    assert "identifier check" in result.message()


def test_a_coordinator_cannot_add_codes_to_the_programmes_system(qd, world):
    project = services.project_create(actor=qd.carol, programme=world.a, system=qd.system,
                                      title="Cluster", cluster=world.a1)
    data = qdpx(OTHER, **{"sources/30000000-0000-4000-8000-000000000001.txt": INTERVIEW})
    with pytest.raises(ValidationError, match="Schule"):
        refi_import.project_import(actor=qd.carol, project=project, data=data)
    assert not project.documents.exists()
    local = services.project_create(actor=qd.alice, programme=world.a, system=qd.system,
                                    title="Kommune", municipality=world.m1)
    refi_import.project_import(actor=world.people["mia"], project=local, data=data)
    assert Code.objects.get(system=qd.system, name="Schule").municipality == world.m1


def _zip_with(name, body=b"x"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", OTHER)
        archive.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04 not really", "not a zip"),
    (b"", "not a zip"),
    (qdpx(BOMB.format(root="Project", ns=refi.NS_PROJECT)), "document type"),
    (_zip_with("../evil.txt"), "unsafe path"),
    (_zip_with("sources/../../evil.txt"), "unsafe path"),
    (_zip_with("/etc/passwd"), "unsafe path"),
    (qdpx(OTHER), "not in the archive"),
    (qdpx(OTHER.replace('startPosition="26"', 'startPosition="x"'),
          **{"sources/30000000-0000-4000-8000-000000000001.txt": INTERVIEW}), "whole number"),
    (qdpx(OTHER.replace("internal://30000000-0000-4000-8000-000000000001.txt",
                        "internal://../../secret.txt")), "unsafe path"),
    (qdpx("<Project/>"), "namespace"),
])
def test_project_import_refuses_invalid_and_hostile_files(qd, data, message):
    target = fresh_project(qd)
    codes = Code.objects.count()
    with pytest.raises(ValidationError) as refused:
        refi_import.project_import(actor=qd.alice, project=target, data=data)
    assert message in " ".join(refused.value.messages)
    assert not target.documents.exists() and Code.objects.count() == codes


def test_an_archive_with_too_many_members_is_refused(qd, monkeypatch):
    monkeypatch.setattr(refi_import, "MAX_MEMBERS", 3)
    data = qdpx(OTHER, **{f"sources/{n}.txt": "x" for n in range(3)})
    with pytest.raises(ValidationError, match="more than 3 files"):
        refi_import.project_import(actor=qd.alice, project=fresh_project(qd), data=data)


def test_a_member_that_unpacks_too_large_is_refused(qd, monkeypatch):
    monkeypatch.setattr(refi_import, "MAX_MEMBER_BYTES", 1000)
    data = qdpx(OTHER, **{"sources/30000000-0000-4000-8000-000000000001.txt": "a" * 5000})
    with pytest.raises(ValidationError, match="too large"):
        refi_import.project_import(actor=qd.alice, project=fresh_project(qd), data=data)


# --- pages -------------------------------------------------------------------------------------
@pytest.mark.parametrize("role, status", [("alice", 200), ("carol", 404), ("mia", 404),
                                          ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_exchange_page_and_project_download_per_role(qd, client_for, role, status):
    client = client_for(role)
    page = client.get(reverse("qualitative:exchange", args=[qd.project.pk]))
    assert page.status_code == status
    download = client.get(reverse("qualitative:export_qdpx", args=[qd.project.pk]))
    assert download.status_code == status
    if status == 200:
        html = page.content.decode()
        assert reverse("qualitative:import_qdpx", args=[qd.project.pk]) in html
        assert reverse("qualitative:import_qdc", args=[qd.system.pk]) in html and "Konsens" in html
        assert download["Content-Disposition"].startswith("attachment")
        assert "project.qde" in unpack(b"".join(download.streaming_content))


def test_anonymous_people_are_sent_to_log_in(qd, client_for):
    client = client_for("anon")
    for name, pk in (("exchange", qd.project.pk), ("export_qdpx", qd.project.pk),
                     ("import_qdpx", qd.project.pk), ("export_qdc", qd.system.pk),
                     ("import_qdc", qd.system.pk)):
        response = client.get(reverse(f"qualitative:{name}", args=[pk]))
        assert response.status_code == 302 and "/login" in response["Location"], name


def test_project_upload_imports_or_answers_400(coded, client_for, monkeypatch):
    target = fresh_project(coded)
    url = reverse("qualitative:import_qdpx", args=[target.pk])
    client = client_for("alice")
    assert client.get(url).status_code == 405
    bad = client.post(url, {"qdpx-file": SimpleUploadedFile("p.qdpx", b"nonsense")})
    assert bad.status_code == 400 and "not a zip" in bad.content.decode()
    wrong = client.post(url, {"qdpx-file": SimpleUploadedFile("p.docx", b"x")})
    assert wrong.status_code == 400 and "ending in .qdpx" in wrong.content.decode()
    monkeypatch.setattr(refi, "MAX_QDPX_BYTES", refi.MB)
    large = client.post(url, {"qdpx-file": SimpleUploadedFile("p.qdpx", b"x" * (refi.MB + 1))})
    assert large.status_code == 400 and "larger than 1 MB" in large.content.decode()
    monkeypatch.undo()
    assert not target.documents.exists()
    body = refi.project_export(coded.project, user=coded.alice)
    done = client.post(url, {"qdpx-file": SimpleUploadedFile("p.qdpx", body)})
    assert done.status_code == 302 and target.documents.count() == 2
    for role in ("carol", "zoe", "oscar"):
        assert client_for(role).post(url, {"qdpx-file": SimpleUploadedFile(
            "p.qdpx", body)}).status_code == 404


@pytest.mark.parametrize("role, status", [("alice", 200), ("carol", 200), ("mia", 200),
                                          ("oscar", 200), ("paul", 404), ("zoe", 404)])
def test_codebook_download_per_role(qd, client_for, role, status):
    response = client_for(role).get(reverse("qualitative:export_qdc", args=[qd.system.pk]))
    assert response.status_code == status
    if status == 200:
        valid("Codebook.xsd", b"".join(response.streaming_content))


@pytest.mark.parametrize("role, status", [("alice", 200), ("carol", 404), ("mia", 404),
                                          ("paul", 404), ("oscar", 404), ("zoe", 404)])
def test_codebook_upload_page_per_role(qd, client_for, role, status):
    url = reverse("qualitative:import_qdc", args=[qd.system.pk])
    assert client_for(role).get(url).status_code == status
    upload = SimpleUploadedFile("c.qdc", refi.codebook_export(qd.system))
    assert client_for(role).post(url, {"qdc-file": upload}).status_code == (
        302 if status == 200 else 404)


def test_codebook_upload_refuses_a_bad_file_with_400(qd, world, client_for):
    target = system.system_create(actor=qd.alice, programme=world.a, name="Leer")
    url = reverse("qualitative:import_qdc", args=[target.pk])
    exchange = reverse("qualitative:exchange", args=[qd.project.pk])
    response = client_for("alice").post(url, {"qdc-file": SimpleUploadedFile(
        "c.qdc", BOMB.format(root="CodeBook", ns=refi.NS_CODEBOOK).encode()), "next": exchange})
    assert response.status_code == 400 and "document type" in response.content.decode()
    assert not Code.objects.filter(system=target).exists()
    done = client_for("alice").post(url, {"qdc-file": SimpleUploadedFile(
        "c.qdc", refi.codebook_export(qd.system)), "next": exchange})
    assert done.status_code == 302 and done["Location"] == exchange
    assert Code.objects.filter(system=target).count() == 3


def test_an_empty_project_exports_a_valid_file_and_an_empty_system_no_codebook(qd, world):
    empty = system.system_create(actor=qd.alice, programme=world.a, name="Leer")
    project = fresh_project(qd, category_system=empty)
    tree = valid("Project.xsd", unpack(refi.project_export(project, user=qd.alice))[
        "project.qde"])
    assert tree.find("p:CodeBook", NS) is None and tree.find("p:Sources", NS) is None
    with pytest.raises(ValidationError, match="no codes"):
        refi.codebook_export(empty)
