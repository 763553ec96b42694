"""Direct per-case grants for django-guardian: one join instead of a generic lookup."""

from django.db import models
from guardian.models import UserObjectPermissionBase

from .case import Case


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A person's grant on one case (made and revoked by escalations)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
