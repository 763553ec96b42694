"""The personal-data guard for every free-text field of the project.

Cases are anonymised by design: a problem picture, never a person. This refuses the identifiers
that most often slip into free text: Swedish personnummer and samordningsnummer, e-mail
addresses, phone numbers (python-stdnum's Luhn check and Google's phonenumbers matcher), street
addresses, postal codes with a town, and a common first name followed by a capitalised word
("Kalle Karlsson", "Anders S"). Names in general cannot be detected reliably; the list of common
first names catches the usual slip, and pseudonyms may not start with such a name.

Everything is matched on `normalise(text)`: Unicode tricks (fullwidth digits, dashes of every
kind, no-break and zero-width spaces, soft hyphens) must not get an identifier past the guard.
The false-positive and catch rates are measured on the corpus in tests/sutohamu/pii_corpus/.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

FIRST_NAMES_FILE = Path(__file__).parent / "data" / "first_names.txt"

# Dashes of every kind (and the minus sign) count as a hyphen; every kind of space as a space.
_DASHES = {
    ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
}

# 6 or 8 date digits, an optional separator (hyphen or plus, spaced or not, or a space), 4 digits.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6}|\d{8})( *[-+] *| )?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+ ?(?:@|\((?:at|AT)\)|\[(?:at|AT)\]) ?[\w-]+(?:\.[\w-]+)+")
# Swedish numbers: 0 or +46/0046, then 7 to 11 more digits with spaces or hyphens between (the
# phonenumbers matcher reads the other ways of writing them: dots, slashes, brackets).
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[ -]?[1-9](?:[ -]?\d){6,10}(?!\d)")
# A clock-time range ("08.30-12.00") is not a phone number, whatever the matcher says.
_TIME_RANGE = re.compile(r"^\d{1,2}[.:]\d{2} *- *\d{1,2}[.:]\d{2}$")
_POSTAL_CODE = re.compile(r"(?<![\d-])[1-9]\d{2} ?\d{2}(?![\d-]),? +[A-ZÅÄÖ][a-zåäöé]{1,}")
_STREET_SUFFIX = (
    "gatan|gata|vägen|väg|gränd|gränden|stigen|allén|allé|leden|backen|torget|platsen|stråket|"
    "slingan|svängen|kroken"
)
# A street name and a house number ("Storgatan 12", "Björkvägen 3B"), not a road ("riksväg 62")
# and not a count ("längs Skolvägen 12 elever").
_STREET = re.compile(
    rf"\b(?!(?:[Rr]iks|[Ll]äns|[Ee]uropa|[Mm]otor)v)[A-ZÅÄÖa-zåäöé]{{2,}}(?:{_STREET_SUFFIX}) "
    r"+\d{1,4}(?: ?[A-Za-z]\b)?(?![\d:%]|[.,]\d)"
    r"(?! *(?:%|kr|elever|ungdomar|unga|barn|personer|deltagare|gånger|minuter|meter|km|st)\b)"
)
_CAPITALISED = r"[A-ZÅÄÖ](?:[a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?|\.|\b)"
# Phrases that look like "first name + capitalised word" but are places, organisations or
# public figures (Sunne is Selma Lagerlöf's home): never a person in a case.
_NOT_A_PERSON = ("Maria Ungdom", "Tor Browser", "Selma Lagerlöf", "Gustaf Fröding", "Karl XII")

KINDS = {
    "personnummer": _("a personal identity number (personnummer)"),
    "samordningsnummer": _("a coordination number (samordningsnummer)"),
    "email": _("an e-mail address"),
    "phone": _("a phone number"),
    "street_address": _("a street address"),
    "postal_code": _("a postal code with a town"),
    "name": _("a person's name"),
}

# A finding as the writer sees it: "personnummer: 050505-1234".
SHORT_KINDS = {
    "personnummer": _("personal identity number"),
    "samordningsnummer": _("coordination number"),
    "email": _("e-mail address"),
    "phone": _("phone number"),
    "street_address": _("street address"),
    "postal_code": _("postal code with a town"),
    "name": _("name"),
}
FOUND = _("Found %(kind)s: %(text)s")

# One message per kind of text: who reads it decides what the writer is told.
MESSAGES: dict[str, StrPromise] = {
    "case": _(
        "“%(field)s” seems to contain %(kind)s. Cases and notes are anonymised: remove it, and "
        "describe people only by pseudonym, such as “Elev A”."
    ),
    "medskick": _(
        "“%(field)s” seems to contain %(kind)s. A medskick is read by every member of both "
        "bodies: remove it, and describe the situation without naming anyone."
    ),
    "meeting": _(
        "“%(field)s” seems to contain %(kind)s. Meeting texts are kept as minutes and read by "
        "every member of the body: remove it, and refer to a case only by its reference."
    ),
    "other": _(
        "“%(field)s” seems to contain %(kind)s. This text is shared within the cooperation: "
        "remove it; personal data does not belong here."
    ),
}
CONTEXTS = tuple(MESSAGES)

ERROR_PSEUDONYM_NAME = _(
    "A pseudonym may not start with a first name: use a word such as “Elev” or “Individ” and a "
    "letter or number, such as “Elev A”."
)


def normalise(text: str) -> str:
    """The text as the guard reads it: NFKC, format characters gone, one dash, one space."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for char in text.translate(_DASHES):
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width space, soft hyphen, joiners, byte-order mark
            continue
        if category == "Zs" or char == "\t":
            out.append(" ")
        elif category == "Nd" and not char.isascii():
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out)


def luhn_ok(digits: str) -> bool:
    return bool(luhn.is_valid(digits))


@functools.cache
def first_names() -> frozenset[str]:
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _name_pattern() -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, first_names()), key=len, reverse=True))
    # A double name ("Lars-Erik") counts by its first part.
    return re.compile(rf"(?<![\w-])(?:{names})(?:-[A-ZÅÄÖ][a-zåäö]+)? +{_CAPITALISED}")


def _date_kind(date_digits: str) -> str | None:
    """personnummer or samordningsnummer when the digits are a calendar date (day + 60)."""
    if len(date_digits) == 8 and date_digits[:2] not in {"18", "19", "20"}:
        return None
    year = int(date_digits[:-4]) if len(date_digits) == 8 else 2000 + int(date_digits[:2])
    month, day = int(date_digits[-4:-2]), int(date_digits[-2:])
    kind = "personnummer"
    if 61 <= day <= 91:
        day, kind = day - 60, "samordningsnummer"
    try:
        datetime.date(year, month, day)
    except ValueError:
        # 29 February: a leap year of the other century may hold it (10 digits say no century).
        if not (len(date_digits) == 6 and (month, day) == (2, 29)):
            return None
    return kind


def _id_numbers(text: str) -> list[tuple[str, re.Match[str]]]:
    found = []
    for match in _ID_NUMBER.finditer(text):
        date_digits, separator, serial = match.groups()
        kind = _date_kind(date_digits)
        if not kind:
            continue
        # With a hyphen, a plus or a space it is written as an identity number, and so are
        # twelve digits that begin with a date: a wrong check digit is a typo, still personal
        # data. Ten digits without a separator are told from an ordinary number only by a valid
        # check digit.
        if separator or len(date_digits) == 8 or luhn_ok(date_digits[-6:] + serial):
            found.append((kind, match))
    return found


def _phones(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.group()) for m in _PHONE.finditer(text)]
    matcher = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    found += [
        (m.start, m.end, m.raw_string) for m in matcher if not _TIME_RANGE.match(m.raw_string)
    ]
    return found


def _names(text: str) -> list[re.Match[str]]:
    return [
        match
        for match in _name_pattern().finditer(text)
        if not any(text.startswith(phrase, match.start()) for phrase in _NOT_A_PERSON)
    ]


def findings(text: str) -> list[tuple[str, str]]:
    """Every identifier in the text, in order of kind: (kind, the characters as normalised).

    A stretch of text counts once, as the first kind that claims it (a personnummer is not
    also listed as a phone number).
    """
    if not text:
        return []
    text = normalise(text)
    spans: list[tuple[str, int, int, str]] = [
        (kind, m.start(), m.end(), m.group()) for kind, m in _id_numbers(text)
    ]
    spans += [("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]
    spans += [("phone", start, end, raw) for start, end, raw in _phones(text)]
    for kind, pattern in (("street_address", _STREET), ("postal_code", _POSTAL_CODE)):
        spans += [(kind, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    spans += [("name", m.start(), m.end(), m.group()) for m in _names(text)]
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, start, end, chars in spans:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        found.append((kind, chars.strip()))
    return found


def find_personal_data(text: str) -> str | None:
    """The kind of the first identifier found in the text, or None."""
    found = findings(text)
    return found[0][0] if found else None


def context_for(model: Any) -> str:
    """The guard context of a model (class or instance): who will read its text."""
    meta = getattr(model, "_meta", None)
    if meta is None:
        return "other"
    if meta.app_label == "cases":
        return "case"
    if meta.label_lower == "councils.medskick":
        return "medskick"
    if meta.app_label == "meetings":
        return "meeting"
    return "other"


def check_no_personal_data(value: str, field_label: str, context: str = "other") -> None:
    """Refuse `value` if it holds personal data, with the message of `context` (see MESSAGES)
    and one line per finding (its kind and characters), so the writer sees what to remove."""
    found = findings(value)
    if found:
        errors = [
            ValidationError(
                MESSAGES[context],
                code="personal_data",
                params={"field": field_label, "kind": KINDS[found[0][0]]},
            )
        ]
        errors += [
            ValidationError(
                FOUND, code="personal_data", params={"kind": SHORT_KINDS[kind], "text": chars}
            )
            for kind, chars in found
        ]
        raise ValidationError(errors)


def starts_with_first_name(pseudonym: str) -> bool:
    first = normalise(pseudonym).strip().split(" ", 1)[0]
    return first.capitalize() in first_names()


def validate_pseudonym(value: str) -> None:
    """A pseudonym is a word and a letter or number, and the word is never a first name."""
    if isinstance(value, str) and starts_with_first_name(value):
        raise ValidationError(ERROR_PSEUDONYM_NAME, code="pseudonym_name")
