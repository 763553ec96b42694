"""Typed access to the fields of a form instance, and how every form's choice lists read.

`form.fields` is typed as a dict of plain `Field`s, so setting a declared field's queryset or
choices per person needs the field's own class; these helpers check it once, here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's own copy of a model choice field (single or multiple)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's own copy of a choice field."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


# How choice lists read, the same in every form (issue 11, point 21): a select's empty entry
# says "Choose …"; a required radio list has no empty entry at all (nothing is checked until the
# person chooses); an optional one offers an explicit "None".
EMPTY_CHOICE = _("Choose …")
NONE_CHOICE = _("None of these")
_BLANK_VALUES = ("", None)


def tidy_choices(form: forms.BaseForm) -> forms.BaseForm:
    """Apply the rule above to every choice field of the form; safe to call more than once.

    A filter form whose empty entries name what they show ("All areas", "Everyone") says so
    with `filters_all_by_blank = True` and keeps them.
    """
    if getattr(form, "filters_all_by_blank", False):
        return form
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
            widget, forms.CheckboxSelectMultiple | forms.SelectMultiple
        ):
            continue
        radio = isinstance(widget, forms.RadioSelect)
        if not radio and not isinstance(widget, forms.Select):
            continue
        empty_label: StrOrPromise | None = EMPTY_CHOICE
        if radio:
            empty_label = None if field.required else NONE_CHOICE
        if isinstance(field, forms.ModelChoiceField) and not isinstance(widget.choices, list):
            # The queryset's iterator reads empty_label when it renders.
            if field.empty_label is not None or (radio and not field.required):
                field.empty_label = empty_label
            continue
        current = list(widget.choices)
        choices = [c for c in current if c[0] not in _BLANK_VALUES]
        had_blank = len(choices) != len(current)
        if empty_label is not None and (had_blank or (radio and not field.required)):
            choices.insert(0, ("", empty_label))
        if isinstance(field, forms.ModelChoiceField):
            widget.choices = choices
        else:
            field.choices = choices
    return form


class TidyChoicesMixin:
    """Forms that render their choices the project's way from the start (see tidy_choices)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy_choices(self)  # type: ignore[arg-type]
