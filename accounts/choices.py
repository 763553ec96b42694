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


class Level(models.IntegerChoices):
    """The five-level model (femstegsmodellen); SuToHaMu works at levels 1-3 today."""

    MUNICIPALITY = 1, _("Municipality")
    POLICE_AREA = 2, _("Local police area")
    COUNTY = 3, _("County")
    POLICE_REGION = 4, _("Police region")
    NATIONAL = 5, _("National")


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE_AREA = "police_area", _("Local police area")
    COUNTY_BOARD = "county_board", _("County administrative board")
    CIVIL_SOCIETY = "civil_society", _("Regional civil society")
    COUNTY_POLICE = "county_police", _("County police")
    POLICE_REGION = "police_region", _("Police region")
    SECURITY_SERVICE = "security_service", _("Security Service")
    NATIONAL_CENTRE = "national_centre", _("National centre")
