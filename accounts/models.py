"""People (the custom user) and the dated roles they hold at organisations."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.dates import in_force, validate_date_order

from .capabilities import SEPARATED_ROLES, opens_case_content, role_fits_organisation
from .choices import Role
from .organisations import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERROR_SEPARATION = _(
    "The administrator and the data protection officer never read case content: this person "
    "cannot hold that role at the same time as %(other)s."
)


class User(AbstractUser):
    """A person who signs in; what they may do comes only from their active roles."""

    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    # The password hash and sign-in times are not history worth keeping.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Not a field: capabilities.active_roles keeps the day's roles here, once per object and day.
    _active_roles_cache: tuple[datetime.date, list[RoleAssignment]]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        """Roles in force on a day (today by default)."""
        return self.filter(in_force(on))

    def not_ended(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        """Roles in force on a day or starting later."""
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def overlapping(
        self, start: datetime.date, end: datetime.date | None
    ) -> RoleAssignmentQuerySet:
        """Roles whose period shares at least one day with start..end (open-ended if None)."""
        rows = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return rows if end is None else rows.filter(start_date__lte=end)


class RoleAssignment(models.Model):
    """One role held by one person at one organisation between two dates."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "role", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        validate_date_order(self.start_date, self.end_date, "end_date")
        if self.organisation_id and not role_fits_organisation(self.role, self.organisation):
            raise ValidationError(
                {
                    "organisation": ValidationError(
                        _("This role cannot be held at that kind of organisation."),
                        code="wrong_organisation_kind",
                    )
                }
            )
        self._check_separation_of_duties()

    def _check_separation_of_duties(self) -> None:
        """No one holds a role that reads case content beside an administrator's or DPO's."""
        if not self.user_id or self.role not in Role.values or self.start_date is None:
            return
        separated = Role(self.role) in SEPARATED_ROLES
        content = opens_case_content(self.role)
        if not (separated or content):
            return
        others = (
            RoleAssignment.objects.filter(user_id=self.user_id)
            .exclude(pk=self.pk)
            .overlapping(self.start_date, self.end_date)
        )
        for other in others:
            if (separated and opens_case_content(other.role)) or (
                content and Role(other.role) in SEPARATED_ROLES
            ):
                message = ERROR_SEPARATION % {"other": other.get_role_display().lower()}
                raise ValidationError(
                    {"role": ValidationError(message, code="separation_of_duties")}
                )

    def is_active(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def bulk_create(
        self, objs: Iterable[Notification], *args: Any, **kwargs: Any
    ) -> list[Notification]:
        """Insert, and count the unread ones in the stored counts, in one transaction."""
        objs = list(objs)
        with transaction.atomic(savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            add_unread(Counter((n.user_id, n.target_type) for n in objs if n.read_at is None))
        return created


def role_in_force(
    user_field: str, organisation_field: str, roles: Iterable[str] | None = None
) -> Exists:
    """For a filter on other rows: the row's person holds a role today at the row's organisation
    (one of `roles` if given), and the account is active."""
    held = RoleAssignment.objects.active().filter(
        user=OuterRef(user_field), organisation=OuterRef(organisation_field), user__is_active=True
    )
    return Exists(held if roles is None else held.filter(role__in=list(roles)))


def is_coordinator_of(user: User, municipality: Organisation) -> bool:
    """A coordinator's role at the municipality in force today (the action plan's rule)."""
    return (
        RoleAssignment.objects.active()
        .filter(user=user, user__is_active=True, role=Role.COORDINATOR, organisation=municipality)
        .exists()
    )


# Notification kinds: key -> message with %(name)s placeholders (a lazy translation), filled by
# each app through accounts.notifications.register_kind. The message is rendered when it is read,
# in the reader's language; only the key and its parameters are stored.
NOTIFICATION_KINDS: dict[str, StrOrPromise] = {}
# Things a notification may point at: model label -> its reachability rule (accounts/notifications).
NOTIFICATION_TARGETS: dict[str, str] = {}


def notification_kind_choices() -> list[tuple[str, str]]:
    return [(key, key) for key in sorted(NOTIFICATION_KINDS)]


def notification_target_choices() -> list[tuple[str, str]]:
    return [(label, label) for label in sorted(NOTIFICATION_TARGETS)]


class Notification(models.Model):
    """A message to one person inside the app (a new case, an escalation, a reminder).

    It carries a link, a kind and its parameters, never case content: it is shown in lists.
    `text` keeps the message as rendered in the default language when it was made (for the admin
    and old rows); pages render `kind` + `params` in the reader's language.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=200, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=64, blank=True, choices=notification_kind_choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # What it is about (e.g. "cases.escalation", 12): shown only while the person can reach it.
    target_type = models.CharField(
        _("about"), max_length=64, blank=True, choices=notification_target_choices
    )
    target_id = models.PositiveBigIntegerField(_("about id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if adding and self.read_at is None:
                add_unread({(self.user_id, self.target_type): 1})

    @property
    def message(self) -> str:
        """The message in the active language (the reader's), from its kind and parameters."""
        template = NOTIFICATION_KINDS.get(self.kind)
        if template is None:
            return self.text
        try:
            return str(template) % self.params
        except (KeyError, TypeError, ValueError):
            return self.text

    def mark_read(self) -> None:
        """Read now (once): the row and the stored count change together."""
        if self.read_at is not None:
            return
        now = timezone.now()
        with transaction.atomic(savepoint=False):
            if Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=now):
                add_unread({(self.user_id, self.target_type): -1})
        self.read_at = now


class UnreadCount(models.Model):
    """A person's unread notifications per kind of target ("" for none): the bell's figure.

    Kept by the notification code in the same transaction as the notifications (created,
    read, all read), so the bell reads a few indexed rows instead of counting notifications.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=64, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type"], name="unread_count_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.target_type or '-'}: {self.n}"


def add_unread(deltas: Mapping[tuple[int, str], int]) -> None:
    """Add to the stored unread counts, one statement (an upsert) for all of them; in the
    order of the people, so two writers never wait on each other's rows in a circle."""
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    table = UnreadCount._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (user_id, target_type), n in rows:
        params += [user_id, target_type, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, target_type, n) VALUES {values} "
            f"ON CONFLICT (user_id, target_type) DO UPDATE SET n = {table}.n + excluded.n",
            params,
        )


class AccountEventKind(models.TextChoices):
    RESET = "reset", _("Second factor reset by an administrator")
    LINK = "link", _("Enrolment link made")
    ENROLLED = "enrolled", _("Password set and second factor enrolled")


class TwoFactorReset(models.Model):
    """A change to how a person signs in: listed for the DPO, never changed.

    A reset of the second factors by an administrator, an enrolment link made for the person,
    and the link used (the password set and the authenticator enrolled together).
    """

    kind = models.CharField(
        _("what"), max_length=16, choices=AccountEventKind.choices, default=AccountEventKind.RESET
    )
    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        User, verbose_name=_("reset by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in change")
        verbose_name_plural = _("sign-in changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.at:%Y-%m-%d})"


class EnrolmentLink(models.Model):
    """A one-time, expiring link that sets a person's password and enrols their second factor.

    Only the token's SHA-256 is stored; the link itself is shown once (or mailed) when made.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        User, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used or replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
