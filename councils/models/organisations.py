"""Organisations of the five-level model and the bodies the cooperation meets in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.fields import GuardedTextField

if TYPE_CHECKING:
    from .memberships import MeetingPlan

from ..choices import BodyKind, Level, MembershipKind, OrganisationKind

municipality_code_validator = RegexValidator(
    r"^\d{4}$", _("A municipality code has exactly four digits.")
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def municipalities(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.MUNICIPALITY)


class Organisation(models.Model):
    """A party at one of the five levels; new municipalities and partners are rows, not code."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=12,
        unique=True,
        help_text=_("Used in case references, e.g. SUN for Sunne."),
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital letters, digits and hyphens."))],
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        null=True,
        unique=True,
        validators=[municipality_code_validator],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MUNICIPALITY)
                | (Q(municipality_code__isnull=False) & Q(level=Level.MUNICIPALITY)),
                name="municipality_has_code_and_level_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyQuerySet(models.QuerySet["Body"]):
    def with_member(self, user: object) -> BodyQuerySet:
        """Bodies in which the person holds a membership in force today."""
        from .memberships import Membership

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Exists(Membership.objects.active().filter(body=OuterRef("pk"), user=user))
        )

    def visible_to(self, user: object) -> BodyQuerySet:
        """Members read their bodies; the administrator, who manages memberships, reads all."""
        from accounts.capabilities import Capability, has_capability

        if has_capability(user, Capability.MANAGE_ACCOUNTS):  # type: ignore[arg-type]
            return self.all()
        return self.with_member(user)

    def changeable_by(self, user: object) -> BodyQuerySet:
        """Chairs edit their bodies; so do members whose role allows editing own bodies."""
        from accounts.capabilities import Capability, active_roles, has_capability

        from .memberships import Membership

        if not active_roles(user):  # type: ignore[arg-type]
            return self.none()
        held = Membership.objects.active().filter(body=OuterRef("pk"), user=user)
        if not has_capability(user, Capability.EDIT_OWN_BODIES):  # type: ignore[arg-type]
            held = held.filter(kind=MembershipKind.CHAIR)
        return self.filter(Exists(held))

    def editable_by(self, user: object) -> BodyQuerySet:
        """The bodies a person may change; the older name of `changeable_by`."""
        return self.changeable_by(user)


class Body(models.Model):
    """A group that meets: a local council, the working group or the steering group."""

    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=120, unique=True)
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

    def can_edit(self, user: object) -> bool:
        return Body.objects.changeable_by(user).filter(pk=self.pk).exists()

    def plan_meetings(self, *, year: int, count: int) -> MeetingPlan:
        """Set the year's number of planned meetings, within the body's range."""
        from .memberships import MeetingPlan

        self.check_meeting_count(count)
        plan, _created = MeetingPlan.objects.update_or_create(
            body=self, year=year, defaults={"planned_meetings": count}
        )
        return plan

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
