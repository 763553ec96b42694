"""Uploaded documents' bytes, kept in the database so that every web node serves every file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    """One uploaded file, by its storage name; written once, never changed."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")

    def __str__(self) -> str:
        return self.name
