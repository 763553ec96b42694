"""Issue 11: one date format per kind of place (19), choice lists and required marks (21),
and a favicon (24)."""

import datetime
from typing import cast

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from sutohamu.templatetags.formats import prose_date, reference, table_date

DAY = datetime.date(2026, 11, 25)
MOMENT = timezone.make_aware(datetime.datetime(2026, 11, 25, 15, 11))


@pytest.mark.parametrize(
    ("language", "prose"), [("sv", "25 november 2026"), ("en", "25 November 2026")]
)
def test_tables_are_iso_and_prose_is_long_in_both_languages(language, prose):
    with translation.override(language):
        assert table_date(DAY) == "2026-11-25"
        assert table_date(MOMENT) == "2026-11-25 15:11"
        assert table_date(MOMENT, "day") == "2026-11-25"
        assert prose_date(DAY) == prose
        assert prose_date(MOMENT) == f"{prose} 15:11"
        assert table_date(None) == prose_date(None) == "–"


def test_a_moment_is_shown_in_local_time():
    utc = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)  # 00:30 in Stockholm
    assert table_date(utc) == "2026-07-01 00:30"
    assert table_date(utc, "day") == "2026-07-01"


def test_a_reference_never_breaks_and_is_escaped():
    assert reference("SUN-2026-0007") == '<span class="ref">SUN-2026-0007</span>'
    assert "<b>" not in reference("<b>x</b>")


class Kinds(forms.Form):
    COLOURS = [("", "---------"), ("school", "Skola"), ("home", "Hem")]
    required_radio = forms.ChoiceField(choices=COLOURS, widget=forms.RadioSelect)
    optional_radio = forms.ChoiceField(choices=COLOURS, widget=forms.RadioSelect, required=False)
    plain_select = forms.ChoiceField(choices=COLOURS)
    model_select: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)


def render(form):
    return Template("{% include 'includes/form.html' %}").render(Context({"form": form}))


@pytest.mark.django_db
def test_choice_lists_have_no_selectable_dashes(django_user_model):
    form = Kinds()
    cast(
        forms.ModelChoiceField, form.fields["model_select"]
    ).queryset = django_user_model.objects.none()
    with translation.override("sv"):
        html = render(form)
    assert "---------" not in html
    assert 'name="required_radio" value=""' not in html  # nothing to pick but real choices
    assert 'name="optional_radio" value=""' in html and "Ingen" in html
    assert html.count("Välj …") == 2  # the plain and the model select
    assert cast(forms.ChoiceField, form.fields["required_radio"]).choices == [
        ("school", "Skola"),
        ("home", "Hem"),
    ]


def test_an_empty_extra_formset_row_is_not_marked_required():
    class Row(forms.Form):
        pseudonym = forms.CharField()

    formset = forms.formset_factory(Row, extra=2)(initial=[{"pseudonym": "Elev A"}])
    first, extra = formset.forms[0], formset.forms[1]
    with translation.override("sv"):
        assert 'aria-hidden="true">*' in render(first)
        assert "aria-hidden" not in render(extra)


@pytest.mark.django_db
def test_the_favicon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\0\0\1\0"  # an ICO file
    page = client.get("/logga-in/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_a_radio_list_is_a_fieldset_and_help_is_announced():
    class Scoped(forms.Form):
        scope = forms.ChoiceField(
            choices=[("local", "Lokal"), ("joint", "Gemensam")],
            widget=forms.RadioSelect,
            help_text="Gemensam kräver beslut.",
        )
        title = forms.CharField(help_text="Kort.")

    html = render(Scoped())
    assert "<legend>" in html and '<label for="id_scope"' not in html
    assert 'aria-describedby="id_title_helptext"' in html and 'id="id_title_helptext"' in html
