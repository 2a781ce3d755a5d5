"""Files attached to an event: who adds, removes and downloads them."""


import pytest
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.processes import services
from tests.conftest import ROLES
from tests.processes.test_events import EVENT_VIEWERS


@pytest.fixture
def attached(client_for, event, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = client_for("mia").post(reverse("processes:file_add", args=[event.pk]), {
        "title": "Präsentation Werkstatt", "file": SimpleUploadedFile(
            "werkstatt.pdf", b"%PDF-1.4 folien")})
    assert response.status_code == 302
    return event.files.get()


@pytest.mark.parametrize("role", ROLES)
def test_file_download_access(client_for, world, event, attached, role):
    response = client_for(role).get(reverse("processes:file_download",
                                            args=[event.pk, attached.pk]))
    if role == "anon":
        assert response.status_code == 302
    elif role in EVENT_VIEWERS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 folien"
        assert "attachment" in response["Content-Disposition"]
    else:
        assert response.status_code == 404


def test_file_shown_on_event_and_audited(client_for, world, event, attached):
    page = client_for("carol").get(reverse("processes:event", args=[event.pk])).content.decode()
    assert "Präsentation Werkstatt" in page and "Attach file" not in page
    page = client_for("mia").get(reverse("processes:event", args=[event.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert AuditEntry.objects.filter(action="create", content_type__model="eventfile").exists()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_managers_attach_or_remove_files(client_for, world, event, attached, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(role)
    client.post(reverse("processes:file_add", args=[event.pk]), {
        "title": "X", "file": SimpleUploadedFile("x.pdf", b"%PDF")})
    client.post(reverse("processes:file_delete", args=[event.pk, attached.pk]))
    assert list(event.files.all()) == [attached]


def test_manager_removes_file(client_for, event, attached):
    response = client_for("mia").post(reverse("processes:file_delete",
                                              args=[event.pk, attached.pk]))
    assert response.status_code == 302 and not event.files.exists()
    assert not attached.file.storage.exists(attached.file.name)


@pytest.mark.parametrize("title,name,content,message", [
    ("Folien", "folien.exe", b"MZ", "File extension"),
    ("", "folien.pdf", b"%PDF", "This field is required"),
    ("Folien", None, None, "This field is required"),
])
def test_file_bad_input(client_for, event, settings, tmp_path, title, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = {"title": title}
    if name:
        data["file"] = SimpleUploadedFile(name, content)
    response = client_for("mia").post(reverse("processes:file_add", args=[event.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not event.files.exists()


def test_file_of_another_event_is_not_found(client_for, world, process, event,
                                            attached):
    other = services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "Steuerung", "starts_at": event.starts_at,
        "ends_at": event.ends_at})
    response = client_for("mia").get(reverse("processes:file_download",
                                              args=[other.pk, attached.pk]))
    assert response.status_code == 404
