"""Demo accounts, one or more per role, with fictitious names; password "demo" in the demo only."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password

from accounts.models import Organisation
from sutohamu.demo import DEMO_PASSWORD, upsert

from .choices import Role
from .models import RoleAssignment, User

ROLE_START = datetime.date(2025, 1, 1)

# username, first name, last name, job title, role, organisation code; each has the fictitious
# address <username>@example.se (reserved for examples), so the console mail backend shows the
# reminders the demo sends.
DEMO_MAIL_DOMAIN = "example.se"
ACCOUNTS: list[tuple[str, str, str, str, Role, str]] = [
    ("samordnare.sunne", "Lena", "Ekström", "Samordnare trygghet", Role.COORDINATOR, "SUN"),
    ("samordnare2.sunne", "Jonas", "Berglund", "Samordnare ANDT", Role.COORDINATOR, "SUN"),
    ("samordnare.torsby", "Per", "Lindqvist", "Folkhälsosamordnare", Role.COORDINATOR, "TOR"),
    ("samordnare.hagfors", "Maria", "Holmgren", "Samordnare ANDT", Role.COORDINATOR, "HAG"),
    ("samordnare.munkfors", "Johan", "Dahlberg", "Samordnare", Role.COORDINATOR, "MUN"),
    ("rektor.sunne", "Eva", "Sjögren", "Rektor gymnasieskola", Role.COUNCIL_MEMBER, "SUN"),
    ("kommunpolis", "Anders", "Nyholm", "Kommunpolis", Role.COMMUNITY_POLICE, "LPO-NV"),
    ("lpo.chef", "Helena", "Strandberg", "Lokalpolisområdeschef", Role.POLICE_AREA_CHIEF, "LPO-NV"),
    ("agera", "Sara", "Lundmark", "Regional samordnare VBE", Role.AGERA, "AGERA"),
    (
        "lansstyrelsen",
        "Mikael",
        "Björkman",
        "Samordnare brottsförebyggande",
        Role.COUNTY_BOARD,
        "LST-S",
    ),
    (
        "styrgrupp.sunne",
        "Göran",
        "Eklund",
        "Kommunstyrelsens ordförande",
        Role.STEERING_GROUP,
        "SUN",
    ),
    (
        "kontakt.polisregion",
        "Karin",
        "Vik",
        "Kontaktperson för lokal samverkan",
        Role.CONTACT_PERSON,
        "PR-BERG",
    ),
    ("admin", "Tove", "Larsson", "Systemförvaltare", Role.ADMINISTRATOR, "SUN"),
    ("dso", "Erik", "Norling", "Dataskyddsombud", Role.DATA_PROTECTION_OFFICER, "SUN"),
]


def seed() -> None:
    organisations = {o.code: o for o in Organisation.objects.all()}
    # One hash for every demo account: a fixed salt makes it the same string on every run, so a
    # rerun compares strings instead of hashing once per account (each hash costs ~0.5 s).
    demo_hash = make_password(DEMO_PASSWORD, salt="sutohamu-demo")
    for username, first, last, title, role, org_code in ACCOUNTS:
        user = upsert(
            User,
            {"username": username},
            {
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@{DEMO_MAIL_DOMAIN}",
                "is_active": True,
            },
        )
        if user.password != demo_hash:
            user.password = demo_hash
            user.save(update_fields=["password"])
        upsert(
            RoleAssignment,
            {"user": user, "role": role, "organisation": organisations[org_code]},
            {"start_date": ROLE_START, "end_date": None},
        )


def account_lines() -> list[str]:
    return [f"  {username:<22} {role.label}" for username, *_, role, _org in ACCOUNTS]
