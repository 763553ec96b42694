"""Organisations of the five-level model and the bodies the cooperation meets in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.capabilities import Capability, active_roles, has_capability
from accounts.models import Organisation
from sutohamu.dates import in_force
from sutohamu.fields import GuardedCharField, GuardedTextField

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser
    from accounts.models import User


from accounts.choices import OrganisationKind

from ..choices import BodyKind, MembershipKind


class BodyQuerySet(models.QuerySet["Body"]):
    def with_member(self, user: AnyUser) -> BodyQuerySet:
        """Bodies in which the person holds a membership in force today."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Exists(self._seats_of(user)))

    def _seats_of(self, user: User, **extra: Any) -> models.QuerySet[Body]:
        """For Exists(): the outer body, if the person holds a seat in it in force today."""
        return self.model.objects.filter(
            in_force(prefix="memberships__"),
            pk=OuterRef("pk"),
            memberships__user_id=user.pk,
            **{f"memberships__{k}": v for k, v in extra.items()},
        )

    def visible_to(self, user: AnyUser) -> BodyQuerySet:
        """Members read their bodies; the administrator, who manages memberships, reads all."""
        if has_capability(user, Capability.MANAGE_ACCOUNTS):
            return self.all()
        return self.with_member(user)

    def changeable_by(self, user: AnyUser) -> BodyQuerySet:
        """Chairs edit their bodies; so do members whose role allows editing own bodies."""
        if not user.is_authenticated or not active_roles(user):
            return self.none()
        if has_capability(user, Capability.EDIT_OWN_BODIES):
            return self.filter(Exists(self._seats_of(user)))
        return self.filter(Exists(self._seats_of(user, kind=MembershipKind.CHAIR)))


class Body(models.Model):
    """A group that meets: a local council, the working group or the steering group."""

    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    name = GuardedCharField(_("name"), max_length=120, unique=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    description = GuardedTextField(_("description"), blank=True, max_length=4000)
    min_meetings_per_year = models.PositiveSmallIntegerField(_("fewest meetings a year"))
    max_meetings_per_year = models.PositiveSmallIntegerField(_("most meetings a year"))
    history = HistoricalRecords()

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=BodyKind.LOCAL_COUNCIL) | Q(municipality__isnull=False),
                name="local_council_has_municipality",
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(kind=BodyKind.LOCAL_COUNCIL),
                name="one_local_council_per_municipality",
            ),
            models.CheckConstraint(
                condition=Q(min_meetings_per_year__lte=models.F("max_meetings_per_year")),
                name="body_meeting_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def check_meeting_count(self, count: int) -> None:
        """The meetings a body may hold in one year (a council 2-4, the steering group 2)."""
        if not self.min_meetings_per_year <= count <= self.max_meetings_per_year:
            raise ValidationError(
                _("%(body)s meets %(min)s to %(max)s times a year; %(count)s is not allowed.")
                % {
                    "body": self.name,
                    "min": self.min_meetings_per_year,
                    "max": self.max_meetings_per_year,
                    "count": count,
                },
                code="meeting_count",
            )
