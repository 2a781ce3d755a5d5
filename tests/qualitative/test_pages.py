"""The project, category system and memo pages per role, and their forms with bad input."""

import pytest
from django.urls import reverse

from qdialog.qualitative import system
from qdialog.qualitative.models import Memo, Project

pytestmark = pytest.mark.django_db

ROLES = ["alice", "carol", "mia", "paul", "oscar", "zoe"]


def _expect(qd, name):
    urls = {
        "project": (reverse("qualitative:project", args=[qd.project.pk]),
                    {"alice": 200, "carol": 200}),
        "settings": (reverse("qualitative:project_settings", args=[qd.project.pk]),
                     {"alice": 200}),
        "agreement": (reverse("qualitative:agreement", args=[qd.project.pk]),
                      {"alice": 200, "carol": 200}),
        "system": (reverse("qualitative:system", args=[qd.system.pk]),
                   {"alice": 200, "carol": 200, "mia": 200, "oscar": 200}),
        "code": (reverse("qualitative:code", args=[qd.cooperation.pk]),
                 {"alice": 200, "carol": 200, "mia": 200, "oscar": 200}),
        "index": (reverse("qualitative:programme", args=["alpha"]),
                  {"alice": 200, "carol": 200, "mia": 200, "paul": 200, "oscar": 200}),
        "create": (reverse("qualitative:project_create", args=["alpha"]),
                   {"alice": 200, "carol": 200, "mia": 200, "oscar": 200}),
    }
    return urls[name]


@pytest.mark.parametrize("page", ["project", "settings", "agreement", "system", "code", "index",
                                  "create"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(qd, client_for, page, role):
    url, allowed = _expect(qd, page)
    assert client_for(role).get(url).status_code == allowed.get(role, 404)


@pytest.mark.parametrize("page", ["project", "system", "index"])
def test_pages_need_login(qd, client, page):
    url, _allowed = _expect(qd, page)
    assert client.get(url).status_code == 302


def test_programme_page_lists_only_projects_one_runs_or_codes(qd, client_for):
    assert qd.project.title in client_for("carol").get(
        reverse("qualitative:programme", args=["alpha"])).content.decode()
    assert qd.project.title not in client_for("mia").get(
        reverse("qualitative:programme", args=["alpha"])).content.decode()


def test_create_a_municipal_project(qd, client_for, world):
    url = reverse("qualitative:project_create", args=["alpha"])
    response = client_for("mia").post(url, {
        "title": "Interviews M1", "level": f"municipality:{world.m1.pk}",
        "system": qd.system.pk, "unit": "sentence", "min_overlap": 50,
        "coders": [world.people["mia"].pk, world.people["paul"].pk]})
    assert response.status_code == 302
    project = Project.objects.get(title="Interviews M1")
    assert project.municipality == world.m1 and project.coders.count() == 2


@pytest.mark.parametrize("data", [
    {"title": "", "level": "programme", "unit": "sentence", "min_overlap": 50},
    {"title": "X", "level": "programme", "unit": "sentence", "min_overlap": 0},
    {"title": "X", "level": "municipality:999999", "unit": "sentence", "min_overlap": 50},
])
def test_project_form_refuses_bad_input(qd, client_for, data):
    url = reverse("qualitative:project_create", args=["alpha"])
    response = client_for("alice").post(url, {**data, "system": qd.system.pk,
                                              "question": "Was hilft?"})
    assert response.status_code == 400
    assert "Was hilft?" in response.content.decode()
    assert Project.objects.count() == 1


def test_coders_outside_the_level_are_refused(qd, client_for, world):
    url = reverse("qualitative:project_create", args=["alpha"])
    response = client_for("mia").post(url, {
        "title": "M1", "level": f"municipality:{world.m1.pk}", "system": qd.system.pk,
        "unit": "sentence", "min_overlap": 50, "coders": [world.people["oscar"].pk]})
    assert response.status_code == 400
    assert Project.objects.count() == 1


def test_local_codes_of_other_municipalities_stay_hidden(qd, client_for, world):
    local = system.code_create(actor=world.people["mia"], system=qd.system,
                               name="Nur-M1-Code", municipality=world.m1)
    assert "Nur-M1-Code" in client_for("mia").get(
        reverse("qualitative:system", args=[qd.system.pk])).content.decode()
    assert "Nur-M1-Code" not in client_for("oscar").get(
        reverse("qualitative:system", args=[qd.system.pk])).content.decode()
    assert client_for("oscar").get(reverse("qualitative:code", args=[local.pk])
                                   ).status_code == 404


def test_memos_on_project_document_and_code(qd, client_for):
    url = reverse("qualitative:memo_add", args=[qd.project.pk])
    client = client_for("carol")
    assert client.post(url, {"text": "Erster Eindruck"}).status_code == 302
    assert client.post(url, {"text": "Zur Stelle", "document": qd.transcript.pk}
                       ).status_code == 302
    assert client.post(url, {"text": "Zum Code", "code": qd.cooperation.pk}).status_code == 302
    assert client.post(url, {"text": "  "}).status_code == 400
    assert client_for("paul").post(url, {"text": "x"}).status_code == 404
    assert Memo.objects.count() == 3
    memo = Memo.objects.get(text="Zum Code")
    assert client_for("alice").post(reverse("qualitative:memo", args=[memo.pk]),
                                    {"text": "fremd"}).status_code == 404
    assert client.post(reverse("qualitative:memo_delete", args=[memo.pk])).status_code == 302
    assert Memo.objects.count() == 2


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_document_and_project_pages_take_a_fixed_number_of_queries(qd, client_for):
    from qdialog.qualitative import services

    client = client_for("alice")
    document_url = reverse("qualitative:document", args=[qd.transcript.pk])
    project_url = reverse("qualitative:project", args=[qd.project.pk])
    services.codings_add(actor=qd.alice, document=qd.transcript, codes=[qd.cooperation],
                         start=0, end=10)
    few = _queries(client, document_url), _queries(client, project_url)
    for start in range(1, 40):
        services.codings_add(actor=qd.alice, document=qd.transcript,
                             codes=[qd.information, qd.participation], start=start,
                             end=start + 12)
    for n in range(10):
        services.document_add(actor=qd.alice, project=qd.project, kind="transcript",
                              title=f"Weiteres {n}", text="Noch ein Text.")
    assert (_queries(client, document_url), _queries(client, project_url)) == few


def test_a_persons_data_export_holds_their_memos(qd, client_for):
    from qdialog.qualitative import services

    services.memo_save(actor=qd.carol, project=qd.project, text="Mein Eindruck")
    data = client_for("carol").get(reverse("profile_data")).json()
    assert data["qualitative_memos"][0]["text"] == "Mein Eindruck"
    assert data["coding_projects"] == [qd.project.title]


def test_choose_documents_for_double_coding_at_once(qd, client_for):
    url = reverse("qualitative:documents_double", args=[qd.project.pk])
    data = {"documents": [qd.answer.pk, qd.transcript.pk], "double": "1"}
    assert client_for("carol").post(url, data).status_code == 404  # a coder, not running it
    assert client_for("alice").post(url, data).status_code == 302
    qd.answer.refresh_from_db()
    qd.transcript.refresh_from_db()
    assert qd.answer.double_coding and qd.transcript.double_coding
    assert client_for("alice").post(url, {"double": "0"}).status_code == 302  # nothing chosen
    assert client_for("alice").post(url, {**data, "double": "0"}).status_code == 302
    qd.answer.refresh_from_db()
    assert not qd.answer.double_coding


def test_settings_and_code_edits_are_stored_and_recorded(qd, client_for):
    from qdialog.qualitative.models import ChangeKind

    client = client_for("alice")
    response = client.post(reverse("qualitative:document_settings", args=[qd.transcript.pk]),
                           {"title": "Gruppendiskussion", "double_coding": "on"})
    assert response.status_code == 302
    qd.transcript.refresh_from_db()
    assert qd.transcript.double_coding and qd.transcript.title == "Gruppendiskussion"
    response = client.post(reverse("qualitative:project_settings", args=[qd.project.pk]), {
        "title": "Neuer Titel", "question": "Q", "unit": "paragraph", "min_overlap": 80,
        "coders": [qd.alice.pk, qd.carol.pk]})
    assert response.status_code == 302
    qd.project.refresh_from_db()
    assert (qd.project.title, qd.project.unit, qd.project.min_overlap) == (
        "Neuer Titel", "paragraph", 80)
    version = qd.system.version
    response = client.post(reverse("qualitative:code", args=[qd.participation.pk]), {
        "name": "Beteiligung der Familie", "colour": qd.participation.colour,
        "origin": "deductive", "definition": "neu"})
    assert response.status_code == 302
    qd.system.refresh_from_db()
    assert qd.system.version == version + 2  # renamed, and the definition changed
    kinds = set(qd.system.changes.filter(code=qd.participation).values_list("kind", flat=True))
    assert {ChangeKind.RENAME, ChangeKind.EDIT} <= kinds


def test_a_new_code_needs_no_origin_ticked(qd, client_for):
    url = reverse("qualitative:code_create", args=[qd.system.pk])
    form = client_for("alice").get(url).content.decode()
    assert 'value="deductive" checked' in form.replace("\n", " ") or \
        'checked' in form.split('value="deductive"')[1][:80]


def test_the_category_system_page_is_a_coding_guide(qd, client_for):
    page = client_for("carol").get(reverse("qualitative:system", args=[qd.system.pk]))
    html = page.content.decode()
    assert "Wir rufen uns direkt an." in html  # the anchor example
    assert "Nur wenn zwei Institutionen genannt werden." in html  # the coding rule
