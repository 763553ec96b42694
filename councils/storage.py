"""Storage for uploaded documents: outside the web root, served only through checked views."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # A callable, so that the location follows settings at run time (tests use a temporary one).
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
