"""Demo organisations of the five-level model and the cooperation's bodies."""

from __future__ import annotations

from accounts.choices import Level, OrganisationKind
from accounts.models import Organisation
from sutohamu.demo import upsert

from . import demo_cooperation
from .choices import BodyKind
from .models import Body

K = OrganisationKind

# code, name, level, kind, municipality code, parent code
ORGANISATIONS: list[tuple[str, str, Level, str, str | None, str | None]] = [
    ("CVE", "Center mot våldsbejakande extremism", Level.NATIONAL, K.NATIONAL_CENTRE, None, None),
    ("PR-BERG", "Polisregion Bergslagen", Level.POLICE_REGION, K.POLICE_REGION, None, None),
    ("SAPO", "Säkerhetspolisen", Level.POLICE_REGION, K.SECURITY_SERVICE, None, None),
    ("LST-S", "Länsstyrelsen Värmland", Level.COUNTY, K.COUNTY_BOARD, None, None),
    ("AGERA", "Agera Värmland", Level.COUNTY, K.CIVIL_SOCIETY, None, None),
    ("POL-S", "Polisen i Värmland", Level.COUNTY, K.COUNTY_POLICE, None, "PR-BERG"),
    ("LPO-NV", "Lokalpolisområde Norra Värmland", Level.POLICE_AREA, K.POLICE_AREA, None, "POL-S"),
    ("SUN", "Sunne kommun", Level.MUNICIPALITY, K.MUNICIPALITY, "1766", "LPO-NV"),
    ("TOR", "Torsby kommun", Level.MUNICIPALITY, K.MUNICIPALITY, "1737", "LPO-NV"),
    ("HAG", "Hagfors kommun", Level.MUNICIPALITY, K.MUNICIPALITY, "1783", "LPO-NV"),
    ("MUN", "Munkfors kommun", Level.MUNICIPALITY, K.MUNICIPALITY, "1762", "LPO-NV"),
]

# The local councils' names differ by municipality; the role is the same.
LOCAL_COUNCILS: dict[str, str] = {
    "SUN": "Trygghetsrådet i Sunne",
    "TOR": "Lokalt brottsförebyggande råd i Torsby",
    "HAG": "Folkhälsorådet i Hagfors",
    "MUN": "Trygghetsrådet i Munkfors",
}


def seed() -> None:
    by_code: dict[str, Organisation] = {}
    for code, name, level, kind, municipality_code, parent in ORGANISATIONS:
        by_code[code] = upsert(
            Organisation,
            {"code": code},
            {
                "name": name,
                "level": level,
                "kind": kind,
                "municipality_code": municipality_code,
                "parent": by_code[parent] if parent else None,
                "is_active": True,
            },
        )
    for code, name in LOCAL_COUNCILS.items():
        upsert(
            Body,
            {"kind": BodyKind.LOCAL_COUNCIL, "municipality": by_code[code]},
            {"name": name, "min_meetings_per_year": 2, "max_meetings_per_year": 4},
        )
    upsert(
        Body,
        {"kind": BodyKind.WORKING_GROUP, "name": "SuToHaMu-gruppen"},
        {"min_meetings_per_year": 10, "max_meetings_per_year": 12},
    )
    upsert(
        Body,
        {"kind": BodyKind.STEERING_GROUP, "name": "Styrgruppen för SuToHaMu"},
        {"min_meetings_per_year": 2, "max_meetings_per_year": 2},
    )


def seed_cooperation() -> None:
    """Memberships, the agreement, plans, priorities, promises and medskick (after accounts)."""
    demo_cooperation.seed()
