"""Choice lists of the cooperation's structure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class BodyKind(models.TextChoices):
    LOCAL_COUNCIL = "local_council", _("Local council")
    WORKING_GROUP = "working_group", _("Working group")
    STEERING_GROUP = "steering_group", _("Steering group")


class Area(models.TextChoices):
    """The three prevention areas under one umbrella."""

    ANDT = "andt", _("ANDT (alcohol, drugs, doping, tobacco)")
    CRIME = "crime", _("Crime prevention")
    VBE = "vbe", _("Violent extremism")
