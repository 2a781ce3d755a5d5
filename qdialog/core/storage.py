"""The stored files (uploads and built reports) as one list of names, whatever the storage:
a directory (MEDIA_ROOT) or an S3-compatible bucket. Backup, restore and the restore drill go
through Django's storage API only, so they work the same on both."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage


def stored_names(storage: Storage | None = None) -> Iterator[str]:
    """Every file's name in the storage, sorted within each folder, folders after files."""
    storage = storage or default_storage

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:  # a directory storage whose MEDIA_ROOT was never made
            return
        for name in sorted(files):
            yield posixpath.join(folder, name) if folder else name
        for name in sorted(folders):
            yield from walk(posixpath.join(folder, name) if folder else name)

    yield from walk("")


def describe(storage: Storage | None = None) -> str:
    """Where the files are, for an operator's message: never a key or a secret."""
    storage = storage or default_storage
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        location = getattr(storage, "location", "")
        return f"bucket {bucket}" + (f" (prefix {location})" if location else "")
    return f"directory {getattr(storage, 'location', '?')}"
