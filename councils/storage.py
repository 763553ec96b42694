"""Storage for uploaded documents: outside the web root, served only through checked views."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

# Only the app's own user reads the documents: files 0600, folders 0700 (not the umask's 644/755).
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class PrivateStorage(FileSystemStorage):
    """Reads PRIVATE_MEDIA_ROOT on every use, so a changed setting (a test's) takes effect."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=FILE_MODE, directory_permissions_mode=FOLDER_MODE)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    # No URL: FileSystemStorage.url() refuses a base_url of None ("not accessible via a URL"),
    # which Django supports but django-stubs types as str.
    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()
