"""The personal-data guard at its edges: fixed Luhn values, century, month and day bounds.

The numbers here are checked by an independent Luhn implementation below, never by the module's
own `luhn_ok`, so a broken check cannot approve its own test data. All numbers are made up.
"""

import pytest

from sutohamu.pii import find_personal_data, luhn_ok


def check_digit(nine: str) -> str:
    """The Luhn check digit, computed from scratch (weights 2, 1, 2, …; digit sums)."""
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 - position % 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def number(yymmdd: str, serial: str = "238") -> str:
    return yymmdd + serial + check_digit(yymmdd + serial)


@pytest.mark.parametrize(
    "digits",
    ["8112189876", "5959595959", "5912095956", "6509199599", "8504595953", "0000000000"],
)
def test_luhn_accepts_valid_numbers(digits):
    assert luhn_ok(digits) is True


@pytest.mark.parametrize(
    "digits", ["8112189875", "5959595958", "5912095957", "6509199590", "1000000000", "0000000001"]
)
def test_luhn_refuses_invalid_numbers(digits):
    assert luhn_ok(digits) is False


def test_the_independent_check_digit_agrees_with_known_numbers():
    assert number("811218", "987") == "8112189876"


@pytest.mark.parametrize("century", ["18", "19", "20"])
def test_twelve_digit_numbers_of_each_century_are_found(century):
    assert find_personal_data(f"nr {century}{number('850412')}") == "personnummer"


@pytest.mark.parametrize("prefix", ["17", "21", "85"])
def test_twelve_digits_outside_the_centuries_pass(prefix):
    assert find_personal_data(f"nr {prefix}{number('850412')}") is None


def test_twelve_digit_number_uses_its_last_six_date_digits():
    # 1985-04-12: read from the last six of the eight date digits.
    assert find_personal_data(f"19{number('850412')[:6]}-{number('850412')[6:]}") == "personnummer"
    # Twelve digits are read as their own date (2001-04-12), whatever the check digit says.
    assert find_personal_data(f"2001{number('850412')[2:]}") == "personnummer"
    assert find_personal_data("200113451234") is None  # month 13: not a date


@pytest.mark.parametrize("month", ["01", "12"])
def test_first_and_last_month_are_found(month):
    assert find_personal_data(number(f"85{month}12")) == "personnummer"


@pytest.mark.parametrize("month", ["00", "13"])
def test_months_outside_the_year_pass(month):
    assert find_personal_data(number(f"85{month}12")) is None


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("01", "personnummer"),
        ("31", "personnummer"),
        ("61", "samordningsnummer"),
        ("91", "samordningsnummer"),
    ],
)
def test_day_bounds_decide_the_kind(day, kind):
    assert find_personal_data(number(f"8501{day}")) == kind


@pytest.mark.parametrize("day", ["00", "32", "60", "92"])
def test_days_outside_both_ranges_pass(day):
    assert find_personal_data(number(f"8501{day}")) is None


@pytest.mark.parametrize("yymmdd", ["850431", "850230", "850491"])
def test_days_the_month_does_not_have_pass(yymmdd):
    assert find_personal_data(number(yymmdd)) is None


def test_29_february_of_a_leap_year_is_found():
    assert find_personal_data(f"20{number('080229')}") == "personnummer"
    assert find_personal_data(f"19{number('810229')}") is None  # 1981 had no 29 February


def test_a_later_number_is_found_after_an_ordinary_one():
    text = f"Order 1234567890, elev {number('850412')}"
    assert find_personal_data(text) == "personnummer"


def test_an_id_number_is_reported_before_an_email():
    assert find_personal_data(f"a@b.se {number('850412')}") == "personnummer"
