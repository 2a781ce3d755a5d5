"""`qdialog restore ARCHIVE`: restore a backup into an installation whose database is empty (or,
with --replace, after deleting everything in it). Migrations run first; the counts of the
backup's manifest are checked after loading."""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from .backup import counts


class Command(BaseCommand):
    help = "Restore a backup archive (database and uploaded files)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--replace", action="store_true",
                            help="delete the data now in the database and the uploaded files "
                                 "first")

    def handle(self, *args, archive, replace, **options):
        call_command("migrate", verbosity=0, interactive=False)
        present = sum(counts().values())
        if present and not replace:
            raise CommandError(f"the database is not empty ({present} records); restore into "
                               "an empty installation, or pass --replace to delete them first")
        with tempfile.TemporaryDirectory() as folder, tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
            root = Path(folder)
            manifest = json.loads((root / "manifest.json").read_text())
            if manifest.get("format") != 1:
                raise CommandError("this is not a qdialog backup archive (format 1)")
            if replace:  # on its own: PostgreSQL truncates only outside pending changes
                call_command("flush", interactive=False, verbosity=0)
            with transaction.atomic():
                call_command("loaddata", str(root / "database.json"), verbosity=0)
            media = Path(settings.MEDIA_ROOT)
            if replace and media.is_dir():
                shutil.rmtree(media)
            if (root / "media").is_dir():
                shutil.copytree(root / "media", media, dirs_exist_ok=True)
        restored = counts()
        differing = {k: (v, restored.get(k)) for k, v in manifest["counts"].items()
                     if restored.get(k) != v}
        if differing:
            raise CommandError(f"restored counts differ from the backup: {differing}")
        self.stdout.write(f"Restored {sum(restored.values())} records from {archive} "
                          f"(backup of {manifest['created']}, {manifest['database']}).")
