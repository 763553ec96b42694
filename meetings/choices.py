"""Choice lists of meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from sutohamu import decisions


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    AGENDA_SENT = "agenda_sent", _("Agenda sent")
    HELD = "held", _("Held")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    CANCELLED = "cancelled", _("Cancelled")


class AttendanceKind(models.TextChoices):
    MEMBER = "member", _("Member")
    CO_OPTED = "co_opted", _("Co-opted")
    GUEST = "guest", _("Guest")


class Trend(models.TextChoices):
    UP = "up", _("Rising")
    SAME = "same", _("Unchanged")
    DOWN = "down", _("Falling")


TREND_VALUE: dict[str, int] = {Trend.UP: 1, Trend.SAME: 0, Trend.DOWN: -1}


class ItemKind(models.TextChoices):
    """Standing items are filled in when the agenda is created; `custom` ones are added."""

    SITUATION = "situation", _("Situational picture")
    REGIONAL = "regional", _("Regional item")
    CASES = "cases", _("Cases due for review")
    ESCALATIONS = "escalations", _("Escalations for the working group")
    MEDSKICK = "medskick", _("Open medskick")
    ACTION_ITEMS = "action_items", _("Open action items")
    CUSTOM = "custom", _("Other item")


# The titles standing items get, per kind (`%s` is the presenting organisation). Stored in the
# language of whoever created the agenda; shown in the reader's (AgendaItem.heading).
STANDING_TITLES: dict[str, tuple[str, ...]] = {
    ItemKind.SITUATION: (gettext_noop("Situational picture: %s"),),
    ItemKind.REGIONAL: (
        gettext_noop("Regional picture, violent extremism: %s"),
        gettext_noop("ANDT: %s"),
        gettext_noop("Crime prevention: %s"),
    ),
    ItemKind.CASES: (gettext_noop("Cases due for review"),),
    ItemKind.ESCALATIONS: (gettext_noop("Escalations for the working group"),),
    ItemKind.MEDSKICK: (gettext_noop("Open medskick"),),
    ItemKind.ACTION_ITEMS: (gettext_noop("Open action items"),),
}


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DecisionKind(models.TextChoices):
    """What a decision decides: an early closure names its case; a priority backs a joint one."""

    GENERAL = decisions.GENERAL, _("Other decision")
    EARLY_CLOSURE = decisions.EARLY_CLOSURE, _("Early closure of a case")
    PRIORITY = decisions.PRIORITY, _("Joint priority")


class RecordKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    MINUTES = "minutes", _("Minutes")
