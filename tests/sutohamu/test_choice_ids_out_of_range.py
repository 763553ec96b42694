"""An id beyond the database's integer range in a choice field is a 400, on SQLite and PostgreSQL.

PostgreSQL answers a lookup of such an id as "no row"; SQLite cannot bind the number at all
(OverflowError), which was a 500 on the embedded demo. `sutohamu.formfields` refuses it in every
model choice field before the query.
"""

from __future__ import annotations

import pytest
from django import forms
from django.db import connections
from django.urls import reverse

from accounts.models import Organisation, User
from cases.models import Case
from tests.cases.factories import CaseFactory, SubjectFactory

HUGE = [str(2**63), str(2**70), "9" * 40, str(-(2**63) - 1)]
SQLITE = "fuzz_sqlite"


@pytest.fixture
def sqlite_organisations(django_db_blocker):
    """An in-memory SQLite database (the embedded demo's engine) with the organisations' table."""
    with django_db_blocker.unblock():
        yield from _sqlite_organisations()


def _sqlite_organisations():
    connections.settings[SQLITE] = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {},
        "TEST": {"NAME": ":memory:"},
    }
    connection = connections[SQLITE]
    with connection.schema_editor() as editor:
        editor.create_model(Organisation)
    # bulk_create: no history row (the history table is not in this database)
    Organisation.objects.using(SQLITE).bulk_create(
        [
            Organisation(
                name="Sunne kommun",
                code="SUN",
                level=1,
                kind="municipality",
                municipality_code="1766",
            )
        ]
    )
    yield Organisation.objects.using(SQLITE)
    connection.close()
    del connections[SQLITE]
    del connections.settings[SQLITE]


def test_sqlite_itself_cannot_look_up_such_an_id(sqlite_organisations):
    with pytest.raises(OverflowError):
        list(sqlite_organisations.filter(pk__in=[2**70]))


@pytest.mark.parametrize("value", HUGE)
def test_a_single_choice_refuses_a_huge_id_on_sqlite(sqlite_organisations, value):
    field = forms.ModelChoiceField(queryset=sqlite_organisations)
    with pytest.raises(forms.ValidationError) as error:
        field.clean(value)
    assert error.value.code == "invalid_choice"
    assert field.clean(str(sqlite_organisations.get().pk)).code == "SUN"


@pytest.mark.parametrize("value", HUGE)
def test_a_multiple_choice_refuses_a_huge_id_on_sqlite(sqlite_organisations, value):
    field = forms.ModelMultipleChoiceField(queryset=sqlite_organisations)
    known = str(sqlite_organisations.get().pk)
    with pytest.raises(forms.ValidationError) as error:
        field.clean([known, value])
    assert error.value.code == "invalid_choice"
    assert [o.code for o in field.clean([known])] == ["SUN"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HUGE)
def test_both_choice_fields_refuse_a_huge_id_on_postgresql(value):
    single = forms.ModelChoiceField(queryset=Organisation.objects.all())
    multiple = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())
    for field, given in ((single, value), (multiple, [value])):
        with pytest.raises(forms.ValidationError) as error:
            field.clean(given)
        assert error.value.code == "invalid_choice"


@pytest.mark.parametrize("value", HUGE)
def test_the_escalation_form_answers_400_to_a_huge_receiver_or_pseudonym(login, value):
    owner = User.objects.get(username="samordnare.hagfors")
    agera = Organisation.objects.get(code="AGERA")
    case = CaseFactory(
        municipality=Organisation.objects.get(code="HAG"), owner=owner, title="Stora tal"
    )
    shared = SubjectFactory(case=case, pseudonym="Elev X")
    client = login("samordnare.hagfors")
    url = reverse("cases:escalate", args=[case.reference])
    base = {"reason": "Råd behövs", "request": "Förslag på insatser"}
    for post in (
        {**base, "receiver": value},
        {**base, "receiver": [agera.pk, value]},
        {**base, "receiver": agera.pk, f"subjects_{agera.pk}": [shared.pk, value]},
    ):
        assert client.post(url, post).status_code == 400
    assert not Case.objects.get(pk=case.pk).escalations.exists()
