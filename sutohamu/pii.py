"""The personal-data guard for every free-text field of the project.

Cases are anonymised by design: a problem picture, never a person. This refuses the identifiers
that most often slip into free text: Swedish personnummer and samordningsnummer (10 or 12 digits,
with or without separator, Luhn-checked so that ordinary numbers pass), e-mail addresses and
phone numbers. Names cannot be detected reliably; pseudonym fields have their own format rule.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 6 or 8 date digits, an optional separator (- or +, or a space), then 4 digits.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+ ]?(\d{4})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Swedish numbers: 0 or +46/0046, then 7 to 11 more digits with spaces or hyphens between.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[\s-]?[1-9](?:[\s-]?\d){6,10}(?![\d])")

KINDS = {
    "personnummer": _("a personal identity number (personnummer)"),
    "samordningsnummer": _("a coordination number (samordningsnummer)"),
    "email": _("an e-mail address"),
    "phone": _("a phone number"),
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_number_kind(date_digits: str, serial: str) -> str | None:
    if len(date_digits) == 8 and date_digits[:2] not in {"18", "19", "20"}:
        return None
    yymmdd = date_digits[-6:]
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if not 1 <= month <= 12 or not luhn_ok(yymmdd + serial):
        return None
    if 1 <= day <= 31:
        return "personnummer"
    if 61 <= day <= 91:  # samordningsnummer: the day plus 60
        return "samordningsnummer"
    return None


def find_personal_data(text: str) -> str | None:
    """The kind of the first identifier found in the text, or None."""
    if not text:
        return None
    for match in _ID_NUMBER.finditer(text):
        kind = _id_number_kind(match.group(1), match.group(2))
        if kind:
            return kind
    if _EMAIL.search(text):
        return "email"
    if _PHONE.search(text):
        return "phone"
    return None


def check_no_personal_data(value: str, field_label: str) -> None:
    kind = find_personal_data(value)
    if kind:
        raise ValidationError(
            _(
                "“%(field)s” seems to contain %(kind)s. Cases and notes are anonymised: remove "
                "it, and describe people only by pseudonym, such as “Elev A”."
            ),
            code="personal_data",
            params={"field": field_label, "kind": KINDS[kind]},
        )
