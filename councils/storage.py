"""Storage for uploaded documents: shared by every node, served only through checked views.

`DOCUMENT_STORAGE` picks the backend (sutohamu/settings.py): `database` (the default) keeps the
bytes in PostgreSQL beside the rows that name them, so any web node serves any upload, the upload
commits or rolls back with its request, and a `pg_dump` backs up everything; `s3` uses
django-storages' S3 backend (an object store some municipalities run).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible

from .models.documents import StoredDocument


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of StoredDocument. No URL: they are served by views that check access."""

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode:
            raise ValueError("documents are written once, through save()")
        try:
            row = StoredDocument.objects.only("content").get(name=name)
        except StoredDocument.DoesNotExist as missing:
            raise FileNotFoundError(name) from missing
        return ContentFile(bytes(row.content), name=name)

    def _save(self, name: str, content: Any) -> str:
        content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        while True:
            try:
                # A savepoint: a name taken meanwhile by another node leaves the request usable.
                with transaction.atomic():
                    StoredDocument.objects.create(name=name, content=data, size=len(data))
            except IntegrityError:
                name = self.get_available_name(name)
            else:
                return name

    def delete(self, name: str) -> None:
        StoredDocument.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredDocument.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredDocument.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def url(self, name: str | None) -> str:
        raise NotImplementedError("documents are served only through views that check access")


def private_storage() -> Storage:
    """The configured documents storage (STORAGES["documents"]), looked up when used."""
    return storages["documents"]
