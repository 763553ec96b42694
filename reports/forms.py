"""The order form of a status report: a calendar half-year or year, and a scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import figures
from .models import PeriodKind, Scope

# Periods come from a fixed grid (no free periods: two overlapping ones would give away their
# difference).
GRID = [
    (PeriodKind.HALF_YEAR.value, PeriodKind.HALF_YEAR.label),
    (PeriodKind.YEAR.value, PeriodKind.YEAR.label),
]


def _years() -> list[tuple[int, int]]:
    this = timezone.localdate().year
    return [(y, y) for y in range(this, this - 6, -1)]


class ReportOrderForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    period_kind = forms.ChoiceField(label=_("Period"), choices=GRID, initial=PeriodKind.HALF_YEAR)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years, required=False)
    half = forms.TypedChoiceField(
        label=_("Half-year"),
        coerce=int,
        choices=[(1, _("January–June")), (2, _("July–December"))],
        required=False,
    )

    def __init__(self, *args: Any, scopes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Scope.choices)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = [(s, labels[s]) for s in scopes]
        if len(scopes) == 1:
            self.fields["scope"].initial = scopes[0]
        last = figures.last_half_years(timezone.localdate(), 1)[0]
        self.fields["year"].initial = last.start.year
        self.fields["half"].initial = 1 if last.start.month == 1 else 2

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period_kind")
        if kind in {PeriodKind.HALF_YEAR, PeriodKind.YEAR} and not data.get("year"):
            self.add_error("year", _("Choose a year."))
        if kind == PeriodKind.HALF_YEAR and not data.get("half"):
            self.add_error("half", _("Choose a half-year."))
        return data

    def period(self) -> figures.Period:
        data = self.cleaned_data
        if data["period_kind"] == PeriodKind.YEAR:
            return figures.year(data["year"])
        return figures.half_year(data["year"], data["half"])


# Said when the municipality asked for is not written as a municipality's code is (the picker
# offers only the report's own).
NOT_A_MUNICIPALITY = _("Choose a municipality from the report's list.")


class MunicipalityForm(forms.Form):
    """Which municipality's figures of a report to show: the report page's picker, a GET form."""

    kommun = forms.CharField(
        label=_("Municipality"),
        max_length=12,
        validators=[RegexValidator(r"^[A-Z0-9-]+\Z", NOT_A_MUNICIPALITY)],
    )
