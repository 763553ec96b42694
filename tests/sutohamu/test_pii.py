"""The personal-data guard: table-driven, with generated numbers (never a real person's)."""

import pytest
from django.core.exceptions import ValidationError

from sutohamu.pii import check_no_personal_data, find_personal_data, findings, luhn_ok


def with_check_digit(nine: str) -> str:
    """Append the Luhn check digit to nine digits (yymmdd + three serial digits)."""
    return next(nine + str(d) for d in range(10) if luhn_ok(nine + str(d)))


def wrong_check_digit(nine: str) -> str:
    return next(nine + str(d) for d in range(10) if not luhn_ok(nine + str(d)))


# Generated from made-up dates and serials; not looked up anywhere.
PNR = with_check_digit("850412" + "238")  # 1985-04-12, serial 238
PNR_OTHER = with_check_digit("031129" + "574")
SAMORDNING = with_check_digit("850472" + "238")  # day 12 + 60
BAD_CHECK = wrong_check_digit("850412" + "238")

FLAGGED = [
    (f"Eleven har nummer {PNR}", "personnummer"),
    (f"Eleven har nummer {PNR[:6]}-{PNR[6:]}", "personnummer"),
    (f"Eleven har nummer {PNR[:6]}+{PNR[6:]}", "personnummer"),
    (f"19{PNR[:6]}-{PNR[6:]} enligt skolan", "personnummer"),
    (f"20{PNR_OTHER}", "personnummer"),
    (f"nr {SAMORDNING[:6]}-{SAMORDNING[6:]}", "samordningsnummer"),
    (f"19{SAMORDNING}", "samordningsnummer"),
    (f"19{PNR[:6]} {PNR[6:]} enligt anmälaren", "personnummer"),  # a space as separator
    (f"nr {BAD_CHECK[:6]} {BAD_CHECK[6:]}", "personnummer"),  # a space, whatever the check digit
    (f"nr 19{BAD_CHECK}", "personnummer"),  # twelve digits begin with a date: a typo
    ("Kontakta mig på foralder.exempel@example.se", "email"),
    ("mejla x_y+z@skola.example.com idag", "email"),
    ("Ring 070-123 45 67 efter skolan", "phone"),
    ("Ring 0701234567", "phone"),
    ("Ring +46 70 123 45 67", "phone"),
    ("Växeln 054-12 34 56", "phone"),
    ("tel 08-123 456 78", "phone"),
]

PASSES = [
    "Elev A och Elev B har setts med propaganda.",
    f"Felaktig kontrollsiffra: {BAD_CHECK}",  # no separator and Luhn fails: an ordinary number
    "Ordernummer 1234567890",  # month 34: not a date
    "Ordernummer 202612345678",  # twelve digits, but month 34: not a date
    "Faktura 555512345678",  # century 55: not a date
    "Ärende SUN-2026-0007 följs upp",
    "Möte 2026-05-01 kl. 13.00 i rum 204",
    "Budget 250 000 kr för 2026",
    "Diarienummer KS 2026/0123",
    "Mellan 12 och 15 elever deltog, 3 av 4 skolor",
    "Årskurs 9, ålder 15-16 år",
    "Version 1.2.3 av planen",
    "",
]


@pytest.mark.parametrize(("text", "kind"), FLAGGED)
def test_personal_data_is_found(text, kind):
    assert find_personal_data(text) == kind


@pytest.mark.parametrize("text", PASSES)
def test_ordinary_text_and_numbers_pass(text):
    assert find_personal_data(text) is None


def test_the_message_is_swedish_and_names_the_field_and_the_reason():
    with pytest.raises(ValidationError) as excinfo:
        check_no_personal_data(f"Eleven {PNR}", "Beskrivning", "case")
    message = excinfo.value.messages[0]
    assert message.startswith("”Beskrivning” verkar innehålla ett personnummer")
    assert "pseudonym" in message


def test_the_refusal_lists_every_finding_with_its_kind_and_characters():
    text = f"Eleven {PNR[:6]}-{PNR[6:]}, mejla a@b.se eller ring 070-123 45 67"
    with pytest.raises(ValidationError) as excinfo:
        check_no_personal_data(text, "Beskrivning", "case")
    assert {e.code for e in excinfo.value.error_list} == {"personal_data"}
    assert excinfo.value.messages[1:] == [
        f"Hittade personnummer: {PNR[:6]}-{PNR[6:]}",
        "Hittade e-postadress: a@b.se",
        "Hittade telefonnummer: 070-123 45 67",
    ]


def test_a_stretch_of_text_is_one_finding():
    assert findings(f"{PNR[:6]}-{PNR[6:]}") == [("personnummer", f"{PNR[:6]}-{PNR[6:]}")]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (f"x {SAMORDNING}", "samordningsnummer"),
        ("a@b.se", "e-postadress"),
        ("070-123 45 67", "telefonnummer"),
    ],
)
def test_each_kind_has_its_own_message(text, word):
    with pytest.raises(ValidationError) as excinfo:
        check_no_personal_data(text, "Rubrik")
    assert word in excinfo.value.messages[0]
