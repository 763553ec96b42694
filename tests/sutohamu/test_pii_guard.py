"""The guard's newer rules: typos in identity numbers, addresses, names, Unicode, contexts."""

import pytest
from django.core.exceptions import ValidationError

from sutohamu.pii import (
    MESSAGES,
    check_no_personal_data,
    context_for,
    find_personal_data,
    normalise,
    validate_pseudonym,
)

# Issue 11 and issue 14's probe, as written there.
ISSUE_TEXTS = [
    ("19800101-0005", "personnummer"),
    ("800101-0005", "personnummer"),
    (
        "heter egentligen Kalle Karlsson och bor på Storgatan 12, 686 30 Sunne",
        "street_address",
    ),
    ("Anders S", "name"),
    ("Kalle K", "name"),
    ("686 30 Sunne", "postal_code"),
    ("+46 (0)70-123 45 67", "phone"),
    ("(070) 123 45 67", "phone"),
    ("070.123.45.67", "phone"),
    ("070/123 45 67", "phone"),
    ("070 - 123 45 67", "phone"),
]


@pytest.mark.parametrize(("text", "kind"), ISSUE_TEXTS)
def test_what_the_issues_found_is_refused(text, kind):
    assert find_personal_data(text) == kind


@pytest.mark.parametrize(
    "char",
    ["\u2013", "\u2014", "\u2212", "\u2011", "\u00a0-", "\u200b-", "\u00ad-", " - ", " \u2013 "],
)
def test_a_personnummer_with_any_dash_or_hidden_character_is_refused(char):
    assert find_personal_data(f"nr 800101{char}0005") == "personnummer"


def test_fullwidth_digits_and_a_zero_width_space_in_an_email_are_refused():
    assert find_personal_data("８００１０１－０００５") == "personnummer"
    assert find_personal_data("elev.a\u200b@exempel.se") == "email"


def test_normalise_is_one_function_for_every_trick():
    assert normalise("a\u00a0b\u2007c\u202fd\te") == "a b c d e"
    assert normalise("1\u20132\u20143\u22124\u20115") == "1-2-3-4-5"
    assert normalise("x\u200by\u00adz\ufeff\u2060") == "xyz"
    assert normalise("\uff10\uff17\uff10") == "070"
    assert normalise("\u0661\u0662") == "12"  # Arabic-Indic digits


@pytest.mark.parametrize(
    "text",
    [
        "Order 202612345678",  # twelve digits that do not begin with a date
        "Vid Storgatan i centrum",  # a street without a number is a place
        "längs riksväg 62 och väg 45",
        "Skolvägen 12 elever går varje dag",
        "Kl. 08.30-12.00 i sal B2",
        "Maria Ungdom och Elev A",
        "Elev A. Elev B",
        "Budget 250 000 kr",
    ],
)
def test_near_misses_pass(text):
    assert find_personal_data(text) is None


@pytest.mark.parametrize(
    ("context", "words"),
    [
        ("case", "Ärenden och anteckningar"),
        ("medskick", "medskick"),
        ("meeting", "protokoll"),
        ("other", "samverkan"),
    ],
)
def test_each_context_has_its_own_swedish_message(context, words):
    with pytest.raises(ValidationError) as excinfo:
        check_no_personal_data("Ring 070-123 45 67", "Text", context)
    message = excinfo.value.messages[0]
    assert message.startswith("”Text” verkar innehålla ett telefonnummer.")
    assert words in message
    assert len({str(m) for m in MESSAGES.values()}) == len(MESSAGES)


def test_only_the_case_message_speaks_of_cases():
    with pytest.raises(ValidationError) as excinfo:
        check_no_personal_data("a@b.se", "Text", "medskick")
    assert "Ärenden" not in excinfo.value.messages[0]


def test_the_context_follows_the_model():
    from cases.models import Case, Note
    from councils.models import Body, Medskick

    assert context_for(Case) == "case"
    assert context_for(Note()) == "case"
    assert context_for(Medskick) == "medskick"
    assert context_for(Body) == "other"
    assert context_for(None) == "other"


def test_a_guarded_field_gives_its_models_message():
    from councils.models import Medskick

    field = Medskick._meta.get_field("text")
    with pytest.raises(ValidationError) as excinfo:
        field.clean("Ring 070-123 45 67", Medskick())
    assert "medskick" in excinfo.value.messages[0]


@pytest.mark.parametrize("pseudonym", ["Anders S", "Kalle K", "kalle 1", "Emma B"])
def test_a_pseudonym_may_not_start_with_a_first_name(pseudonym):
    with pytest.raises(ValidationError) as excinfo:
        validate_pseudonym(pseudonym)
    assert excinfo.value.code == "pseudonym_name"


@pytest.mark.parametrize("pseudonym", ["Elev A", "Individ 1", "Pojke B", "Ungdom 12"])
def test_a_plain_pseudonym_passes(pseudonym):
    validate_pseudonym(pseudonym)


def test_the_body_name_is_guarded():
    from councils.models import Body

    field = Body._meta.get_field("name")
    with pytest.raises(ValidationError):
        field.clean("Rådet hos Kalle Karlsson", Body())
