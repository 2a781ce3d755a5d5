"""`qdialog restore ARCHIVE`: restore a backup into an installation whose database is empty (or,
with --replace, after deleting everything in it and in its file storage). Migrations run first;
the counts of the backup's manifest are checked after loading. The files go back through
Django's storage API: a directory (MEDIA_ROOT) or an S3 bucket."""

from __future__ import annotations

import json
import tarfile
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...storage import describe, stored_names
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
            if replace:
                for name in list(stored_names()):
                    default_storage.delete(name)
            files = self.restore_files(root / "media")
        restored = counts()
        differing = {k: (v, restored.get(k)) for k, v in manifest["counts"].items()
                     if restored.get(k) != v}
        if differing:
            raise CommandError(f"restored counts differ from the backup: {differing}")
        self.stdout.write(f"Restored {sum(restored.values())} records and {files} files from "
                          f"{archive} (backup of {manifest['created']}, "
                          f"{manifest['database']}) into the {describe()}.")

    @staticmethod
    def restore_files(media: Path) -> int:
        """Each file back under its own name: the database refers to files by name."""
        if not media.is_dir():
            return 0
        files = 0
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            if default_storage.exists(name):
                default_storage.delete(name)
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:
                raise CommandError(f"the file {name} was stored as {saved}; the restore is "
                                   "incomplete")
            files += 1
        return files
