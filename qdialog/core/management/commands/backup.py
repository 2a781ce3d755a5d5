"""`qdialog backup ARCHIVE`: the whole database and the stored files in one .tar.gz.

The files are read through Django's storage API: a directory (MEDIA_ROOT) or an S3 bucket.

The database is written as Django's portable JSON (natural keys), so a backup taken on SQLite
restores on PostgreSQL and back. For very large PostgreSQL installations pg_dump is faster;
docs/operator-guide.md shows both."""

from __future__ import annotations

import io
import json
import tarfile

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from ...storage import describe, stored_names

#: not data: rebuilt by migrate, or only of the moment
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry",
           "django_tasks_database"]


def counts() -> dict[str, int]:
    skip = {e for e in EXCLUDE if "." not in e}
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label not in skip and m._meta.label_lower not in EXCLUDE
            and not m._meta.proxy}


class Command(BaseCommand):
    help = "Write the database and the uploaded files into one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="where to write, e.g. qdialog-2026-11-22.tar.gz")

    def handle(self, *args, archive, **options):
        data = io.StringIO()
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE,
                     stdout=data, verbosity=0)
        payload = data.getvalue().encode()
        manifest = {"format": 1, "created": timezone.now().isoformat(),
                    "database": connection.vendor, "counts": counts()}
        with tarfile.open(archive, "w:gz") as tar:
            for name, content in [("manifest.json", json.dumps(manifest, indent=1).encode()),
                                  ("database.json", payload)]:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            files = 0
            for name in stored_names():
                info = tarfile.TarInfo(f"media/{name}")
                info.size = default_storage.size(name)
                with default_storage.open(name, "rb") as handle:
                    tar.addfile(info, handle)
                files += 1
        self.stdout.write(f"Backup written to {archive}: "
                          f"{sum(manifest['counts'].values())} records, {files} files "
                          f"from the {describe()}.")
