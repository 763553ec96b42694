"""Roles a person can hold in the cooperation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "samordnare", _("Coordinator")
    COUNCIL_MEMBER = "radsmedlem", _("Local council member")
    COMMUNITY_POLICE = "kommunpolis", _("Community police officer")
    POLICE_AREA_CHIEF = "lpo_chef", _("Local police area chief")
    AGERA = "agera", _("Agera Värmland staff")
    COUNTY_BOARD = "lansstyrelsen", _("County administrative board staff")
    STEERING_GROUP = "styrgrupp", _("Steering group member")
    CONTACT_PERSON = "kontaktperson", _("Contact person (receives escalations)")
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "dataskyddsombud", _("Data protection officer")
