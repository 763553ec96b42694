"""The case: a problem picture, never a person; its pseudonymous subjects and transitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.capabilities import Capability, organisation_ids_with
from councils.choices import Area
from sutohamu.fields import GuardedCharField, GuardedTextField
from sutohamu.pii import validate_pseudonym

from ..choices import OPEN_ESCALATION, AgeBand, CaseStatus, Setting
from ..lifecycle import OPEN_STATUSES
from ..rights import CaseAccess, Right, kinds_granting

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser
    from accounts.models import User

# Violent extremism first, then crime, then ANDT: the order in which an owner is chosen.
AREA_PRIORITY: tuple[str, ...] = (Area.VBE, Area.CRIME, Area.ANDT)


class CaseCounter(models.Model):
    """The last case number per municipality and year; locked while a case is numbered.

    Numbering inside the same transaction as the insert means a rolled-back intake gives its
    number back: references have no gaps, and the row lock keeps concurrent intakes apart.
    """

    municipality = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_number}"


def changeable_filter(user: AnyUser) -> Q:
    """Rows of the cases the person works: their own municipality's. The one rule, used by the
    cases and by the desk's read model (models/desk.py), which carries the case's municipality."""
    return Q(municipality_id__in=organisation_ids_with(user, Capability.WORK_CASES))


class CaseQuerySet(models.QuerySet["Case"]):
    """Who may see and change which case; the only place that says so (see cases/access.py)."""

    def changeable_by(self, user: AnyUser) -> CaseQuerySet:
        """Cases whose full content the person works and changes: their own municipality's."""
        return self.filter(changeable_filter(user))

    def shared_with(self, user: AnyUser, right: Right = Right.VIEW) -> CaseQuerySet:
        """Cases an open escalation shares with the person, with `right`.

        Computed from live facts in the same query: an escalation of the case is open, it went
        to an organisation where the person holds a reviewing role today, and its kind carries
        the right. The django-guardian grant is required as well, but it is never enough on its
        own: a grant left behind by a closed escalation or an ended role opens nothing.
        """
        reviews = organisation_ids_with(user, Capability.REVIEW_ESCALATIONS)
        # An anonymous visitor holds no role, so has no reviews; the second test narrows the type.
        if not reviews or not user.is_authenticated:
            return self.none()
        live = self.model.objects.filter(
            pk=OuterRef("pk"),
            escalations__status__in=OPEN_ESCALATION,
            escalations__receiver_id__in=reviews,
            escalations__kind__in=kinds_granting(right),
        )
        granted = self.model.objects.filter(
            pk=OuterRef("pk"),
            caseuserobjectpermission__user_id=user.pk,
            caseuserobjectpermission__permission__codename=right.value,
        )
        return self.filter(Exists(live), Exists(granted))

    def reachable_by(self, user: AnyUser, right: Right = Right.VIEW) -> CaseQuerySet:
        """Own municipality's cases, and those an open escalation shares with `right`."""
        own = organisation_ids_with(user, Capability.WORK_CASES)
        shared = self.shared_with(user, right).values("pk")
        return self.filter(Q(municipality_id__in=own) | Q(pk__in=shared))

    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        """What a person may see; everyone else sees nothing, not even that a case exists."""
        return self.reachable_by(user, Right.VIEW)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def in_area(self, area: str) -> CaseQuerySet:
        return self.filter(areas__contains=f",{area},")

    def reported_by(self, user: User) -> CaseQuerySet:
        return self.filter(reported_by_id=user.pk)


class Case(models.Model):
    """An anonymised concern (ärende): what is happening, where, and what is done about it."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("number"), editable=False)
    # Stored as ",andt,vbe," so that one area can be filtered on every database backend.
    areas = models.CharField(_("areas"), max_length=64)
    setting = models.CharField(_("setting"), max_length=16, choices=Setting.choices)
    title = GuardedCharField(_("problem picture"), max_length=120)
    description = GuardedTextField(_("description"), max_length=5000)
    discovery = GuardedTextField(_("how it was discovered"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = CaseQuerySet.as_manager()

    # Filled in by cases.access.case_for: what the person who fetched the case may do with it.
    access: CaseAccess = CaseAccess(works=False, rights=frozenset())

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        # The desk reads one municipality's cases by state, newest first, and its owner filter
        # the owners of one municipality's cases (bench/: EXPLAIN ANALYZE at 50,000 cases).
        indexes = [
            models.Index(fields=["municipality", "owner"], name="case_municipality_owner"),
            models.Index(
                fields=["municipality", "status", "-reported_at"], name="case_municipality_status"
            ),
            models.Index(fields=["municipality", "-reported_at"], name="case_municipality_newest"),
        ]
        # Per-case rights an escalation grants to the receiver's people (django-guardian).
        permissions = [
            ("add_case_measure", "Can add measures to a case shared with them"),
            ("add_case_note", "Can add notes to a case shared with them"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "number"], name="case_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def area_list(self) -> list[str]:
        return [a for a in self.areas.split(",") if a]

    @property
    def area_labels(self) -> list[str]:
        labels = dict(Area.choices)
        return [str(labels.get(a, a)) for a in self.area_list]

    @property
    def primary_area(self) -> str:
        """A case in several areas goes to the owner of its most serious one."""
        return self.area_list[0]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @staticmethod
    def encode_areas(areas: list[str]) -> str:
        """Most serious area first: it decides the owner (see primary_area)."""
        ordered = [a for a in AREA_PRIORITY if a in set(areas)]
        return "," + ",".join(ordered) + "," if ordered else ""


pseudonym_validator = RegexValidator(
    r"^[A-ZÅÄÖa-zåäö]{2,20} [A-Z0-9]{1,3}$",
    _(
        "Use a pseudonym such as “Elev A” or “Individ 1”: a word, a space and a letter or number. "
        "Never a name."
    ),
)


class Subject(models.Model):
    """A person concerned, known only by pseudonym ("Elev A"), optional age band and residence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    pseudonym = models.CharField(
        _("pseudonym"), max_length=24, validators=[pseudonym_validator, validate_pseudonym]
    )
    age_band = models.CharField(
        _("age band"), max_length=8, choices=AgeBand.choices, blank=True, default=""
    )
    residence = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("municipality of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pseudonymous subject")
        verbose_name_plural = _("pseudonymous subjects")
        ordering = ["case", "pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["case", "pseudonym"], name="pseudonym_unique_in_case"),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Transition(models.Model):
    """One change of status: who, when, why. Written by the life-cycle service only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = GuardedTextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"


class Note(models.Model):
    """A dated working note on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = GuardedTextField(_("note"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]
