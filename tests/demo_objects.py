"""The demo's objects by the names the demo gives them (accounts/demo.py, cases/demo.py).

One place for the look-ups that tests of the demo repeat: the NMR reference case (found by the
title the seed gives it, cases.demo.NMR_TITLE: its reference carries the year it was reported),
an organisation by its code, a person by username.
"""

from __future__ import annotations

from accounts.models import Organisation, User
from cases.demo import NMR_TITLE
from cases.models import Case

__all__ = ["NMR_TITLE", "nmr_case", "nmr_reference", "org", "user"]


def nmr_case() -> Case:
    """The seed's NMR reference case (Sunne; reported by rektor.sunne, escalated in the demo)."""
    return Case.objects.get(title=NMR_TITLE)


def nmr_reference() -> str:
    return nmr_case().reference


def org(code: str) -> Organisation:
    """An organisation by its code: "SUN", "TOR", "HAG", "MUN", "AGERA", "LPO-NV", "LST-S", …"""
    return Organisation.objects.get(code=code)


def user(username: str) -> User:
    return User.objects.get(username=username)
