"""Choice lists of the cooperation's structure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    LOCAL_COUNCIL = "local_council", _("Local council")
    WORKING_GROUP = "working_group", _("Working group")
    STEERING_GROUP = "steering_group", _("Steering group")


class Area(models.TextChoices):
    """The three prevention areas under one umbrella."""

    ANDT = "andt", _("ANDT (alcohol, drugs, doping, tobacco)")
    CRIME = "crime", _("Crime prevention")
    VBE = "vbe", _("Violent extremism")


class MembershipKind(models.TextChoices):
    MEMBER = "member", _("Member")
    CO_OPTED = "co_opted", _("Co-opted")
    CHAIR = "chair", _("Chair")


class MedskickStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class PriorityScope(models.TextChoices):
    LOCAL = "local", _("Local")
    JOINT = "joint", _("Joint")


class Period(models.IntegerChoices):
    """A priority runs for a whole year or one half of it."""

    YEAR = 0, _("Whole year")
    FIRST_HALF = 1, _("First half-year")
    SECOND_HALF = 2, _("Second half-year")


class PriorityOutcome(models.TextChoices):
    OPEN = "open", _("Not yet assessed")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
