"""Choice lists of concern cases."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.choices import ActivityStatus as MeasureStatus  # noqa: F401 - same four states


class Setting(models.TextChoices):
    SCHOOL = "school", _("School")
    LEISURE = "leisure", _("Leisure")
    PUBLIC_PLACE = "public_place", _("Public place")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSESSING = "assessing", _("Being assessed")
    MEASURES = "measures", _("Measures active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class MeasureKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision")
    STAFF_TRAINING = "staff_training", _("Staff training")
    CASE_SUPERVISION = "case_supervision", _("Case supervision")
    CONCERN_CONVERSATION = "concern_conversation", _("Concern conversation")
    RELATIVES_SUPPORT = "relatives_support", _("Relatives' support")
    INDIVIDUAL_SUPPORT = "individual_support", _("Individual support")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    UNDER_13 = "u13", _("Under 13")
    AGE_13_15 = "13-15", _("13-15")
    AGE_16_17 = "16-17", _("16-17")
    AGE_18_20 = "18-20", _("18-20")
    AGE_21_25 = "21-25", _("21-25")
    OVER_25 = "25+", _("Over 25")


class ReadKind(models.TextChoices):
    PAGE = "page", _("Case page")
    TIMELINE = "timeline", _("Timeline")
    PDF = "pdf", _("PDF")
    EXPORT = "export", _("Export")
    SHARED = "shared", _("Shared part (escalation)")
    EDIT = "edit", _("Edit form")


class EscalationStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EscalationKind(models.TextChoices):
    """Derived from the receiver; decides which extra rights the receiver's people get."""

    NEIGHBOUR = "neighbour", _("Neighbouring municipality")
    AGERA = "agera", _("Agera Värmland (advice and measures)")
    POLICE = "police", _("Police, through the community police officer")
    REGIONAL = "regional", _("Regional or national level")


# Statuses in which an escalation is with its receiver (and shares the case).
OPEN_ESCALATION: tuple[str, ...] = (
    EscalationStatus.NEW,
    EscalationStatus.ACKNOWLEDGED,
    EscalationStatus.ANSWERED,
)
