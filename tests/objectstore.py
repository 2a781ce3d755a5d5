"""A real S3-compatible server for the tests of object storage: moto's standalone server from
PyPI on 127.0.0.1, one per test process, and a fresh bucket as the default storage per test.

Registered for the whole suite in tests/conftest.py (pytest_plugins); the server starts only
for a test that asks for a bucket.
"""

import socket
import subprocess
import sys
import time
import uuid

import pytest

KEYS = {"access_key": "qdialog-test", "secret_key": "qdialog-test-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):  # bounded: at most 300 tries
            if server.poll() is not None:
                pytest.fail("the S3 server (moto) did not start")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the S3 server (moto) did not open its port")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """A fresh bucket as the default storage; MEDIA_ROOT points at an empty directory, which
    must stay empty."""
    import boto3

    name = f"qdialog-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id=KEYS["access_key"],
                          aws_secret_access_key=KEYS["secret_key"])
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": name, "endpoint_url": s3_server, "region_name": "us-east-1",
            "location": "qdialog", "file_overwrite": False, "default_acl": None,
            "addressing_style": "path", "signature_version": "s3v4", **KEYS}}}

    class Bucket:
        def objects(self) -> dict[str, bytes]:
            listed = client.list_objects_v2(Bucket=name).get("Contents", [])
            return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read()
                    for o in listed}

        def empty(self) -> None:
            for key in self.objects():
                client.delete_object(Bucket=name, Key=key)

    return Bucket()
