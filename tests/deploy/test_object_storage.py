"""Uploaded files and built reports in S3-compatible object storage (django-storages), against
a real S3 server on 127.0.0.1: moto's standalone server from PyPI, started by this module.

What an operator relies on when S3_BUCKET is set: a file uploaded through qdialog lands in the
bucket and nowhere on the node's disk; it is downloaded only through qdialog's own view, which
checks access; two files of the same name never replace each other; backup and restore carry
the bucket's files; the settings are read from the environment alone."""

import json
import os
import subprocess
import sys
import tarfile

import pytest
from django.core.management import call_command
from django.urls import reverse


def _upload(client, event, name: str, content: bytes, title: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("processes:file_add", args=[event.pk]), {
        "title": title, "file": SimpleUploadedFile(name, content)})


def test_upload_lands_in_the_bucket_and_downloads_through_the_checked_view(
        client_for, world, event, bucket, settings):
    response = _upload(client_for("mia"), event, "werkstatt.pdf", b"%PDF-1.4 folien", "Folien")
    assert response.status_code == 302
    attached = event.files.get()
    stored = bucket.objects()
    assert list(stored) == [f"qdialog/{attached.file.name}"]
    assert list(stored.values()) == [b"%PDF-1.4 folien"]
    assert not settings.MEDIA_ROOT.exists()  # nothing on the node's own disk
    url = reverse("processes:file_download", args=[event.pk, attached.pk])
    response = client_for("carol").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 folien"
    assert "attachment" in response["Content-Disposition"]
    # the view still decides: someone outside the municipality gets nothing
    assert client_for("zoe").get(url).status_code == 404
    # removing the attachment removes the object
    assert client_for("mia").post(reverse("processes:file_delete",
                                          args=[event.pk, attached.pk])).status_code == 302
    assert bucket.objects() == {}


def test_a_file_of_the_same_name_never_replaces_another(client_for, world, event, bucket):
    client = client_for("mia")
    assert _upload(client, event, "protokoll.pdf", b"%PDF erste", "Erste").status_code == 302
    assert _upload(client, event, "protokoll.pdf", b"%PDF zweite", "Zweite").status_code == 302
    first, second = event.files.order_by("pk")
    assert first.file.name != second.file.name
    assert sorted(bucket.objects().values()) == [b"%PDF erste", b"%PDF zweite"]
    with first.file.open("rb") as handle:
        assert handle.read() == b"%PDF erste"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_carry_the_bucket(world, bucket, filled, settings):  # noqa: F811
    from qdialog.core.management.commands.backup import counts
    from qdialog.processes.models import EventFile

    stored = bucket.objects()
    assert list(stored.values()) == [b"%PDF-1.4 Folien"]  # the fixture's file, in the bucket
    before = counts()
    archive = filled / "backup.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        media = [n for n in tar.getnames() if n.startswith("media/")]
    assert media == [f"media/{EventFile.objects.get().file.name}"]
    bucket.empty()
    EventFile.objects.all().delete()
    call_command("restore", str(archive), replace=True)
    assert counts() == before
    assert bucket.objects() == stored  # the same key, the same bytes
    with EventFile.objects.get().file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 Folien"
    assert not settings.MEDIA_ROOT.exists()


def _storage_in_a_fresh_process(env: dict) -> dict:
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "d = settings.STORAGES['default']; o = d.get('OPTIONS', {}); "
            "print(json.dumps({'backend': d['BACKEND'], **{k: o.get(k) for k in "
            "('bucket_name', 'endpoint_url', 'location', 'file_overwrite', 'verify', "
            "'object_parameters', 'default_acl')}}))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    done = subprocess.run([sys.executable, "-c", code], env={
        **base, "DJANGO_SETTINGS_MODULE": "qdialog.settings", **env},
        capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_storage_is_chosen_by_the_environment_alone():
    assert _storage_in_a_fresh_process({})["backend"] == (
        "django.core.files.storage.FileSystemStorage")
    chosen = _storage_in_a_fresh_process({
        "S3_BUCKET": "jugendamt-files", "S3_ENDPOINT_URL": "https://s3.rechenzentrum.example",
        "S3_PREFIX": "qdialog", "S3_SERVER_SIDE_ENCRYPTION": "AES256",
        "S3_VERIFY": "/etc/ssl/certs/rechenzentrum.pem"})
    assert chosen == {
        "backend": "storages.backends.s3.S3Storage", "bucket_name": "jugendamt-files",
        "endpoint_url": "https://s3.rechenzentrum.example", "location": "qdialog",
        "file_overwrite": False, "verify": "/etc/ssl/certs/rechenzentrum.pem",
        "object_parameters": {"ServerSideEncryption": "AES256"}, "default_acl": None}
    assert _storage_in_a_fresh_process({"S3_BUCKET": "b", "S3_VERIFY": "false"})[
        "verify"] is False
    assert _storage_in_a_fresh_process({"S3_BUCKET": "b"})["verify"] is None
