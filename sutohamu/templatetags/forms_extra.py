"""`{% tidy_choices form %}`: the project's choice-list rule for a form rendered by a template."""

from __future__ import annotations

from django import forms, template

from sutohamu.forms import tidy_choices as _tidy

register = template.Library()


@register.simple_tag
def tidy_choices(form: forms.BaseForm) -> str:
    """Applied by templates/includes/form.html, so every form rendered there follows it."""
    if isinstance(form, forms.BaseForm):
        _tidy(form)
    return ""


@register.filter
def is_checkbox(bound_field: forms.BoundField) -> bool:
    """A single checkbox: the box first, its label beside it."""
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(bound_field: forms.BoundField) -> bool:
    """Radio buttons and checkbox lists: rendered as a fieldset with a legend, not one label."""
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
