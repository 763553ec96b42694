"""Forms of long-term follow-up: commitment, cadence, contact, close and reopen.

Free text is checked by the PII guard here as well as by the model, so that a refused note
answers with the guard's message whatever else is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from sutohamu.decisions import DecisionInfo
from sutohamu.forms import TidyChoicesMixin, choice_field
from sutohamu.pii import check_no_personal_data

from . import lifecycle
from .choices import CaseStatus
from .models.followup import MONTHS, WEEKS, ContactKind

UNIT_CHOICES = [(WEEKS, _("weeks")), (MONTHS, _("months"))]
PHASES = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def guarded(label: str) -> Any:
    """A form validator: the PII guard with the case context's message."""

    def check(value: str) -> None:
        check_no_personal_data(value, label, "case")

    return check


def reason_field(help_text: Any = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=required,
        max_length=1000,
        help_text=help_text,
        validators=[guarded(str(_("Reason")))],
    )


class CommitmentForm(TidyChoicesMixin, forms.Form):
    months = forms.IntegerField(
        label=_("Planned commitment (months)"),
        min_value=1,
        max_value=120,
        help_text=_("How long the municipality expects to stay involved."),
    )
    team_roles = forms.CharField(
        label=_("Team (roles)"),
        required=False,
        max_length=300,
        help_text=_("Roles, separated by commas, for example “elevhälsa, mentor”. No names."),
    )
    team_organisations = forms.ModelMultipleChoiceField(
        label=_("Team (organisations)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = reason_field(_("Needed when the commitment becomes shorter or the team smaller."))
    to = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, version: int, to: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team_roles"].validators.append(guarded(str(_("Team (roles)"))))
        field = self.fields["team_organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Organisation.objects.parties().order_by("level", "name")
        choice_field(self, "to").choices = [("", ""), *CaseStatus.choices]
        self.initial.setdefault("months", settings.FOLLOWUP_COMMITMENT_MONTHS)
        self.initial.setdefault("version", version)
        self.initial.setdefault("to", to)


class CadenceForm(forms.Form):
    """Up to three phases; the last one given goes on until the case is closed."""

    reason = reason_field(_("Needed when there will be less contact than before."))

    def __init__(self, *args: Any, cadence: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for n in range(1, PHASES + 1):
            fields[f"every_{n}"] = forms.IntegerField(
                label=_("Phase %(n)s: contact every") % {"n": n},
                min_value=1,
                max_value=52,
                required=n == 1,
            )
            fields[f"unit_{n}"] = forms.ChoiceField(
                label=_("Phase %(n)s: unit") % {"n": n}, choices=UNIT_CHOICES
            )
            fields[f"months_{n}"] = forms.IntegerField(
                label=_("Phase %(n)s: for how many months") % {"n": n},
                min_value=1,
                max_value=120,
                required=False,
                help_text=_("Leave empty for the last phase: it goes on until the case closes."),
            )
        self.fields = {**fields, "reason": self.fields["reason"]}
        for n, phase in enumerate(cadence[:PHASES], start=1):
            self.initial.setdefault(f"every_{n}", phase["every"])
            self.initial.setdefault(f"unit_{n}", phase["unit"])
            self.initial.setdefault(f"months_{n}", phase.get("months"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cadence: list[dict[str, Any]] = []
        for n in range(1, PHASES + 1):
            if data.get(f"every_{n}"):
                cadence.append(
                    {
                        "every": data[f"every_{n}"],
                        "unit": data.get(f"unit_{n}") or WEEKS,
                        "months": data.get(f"months_{n}"),
                    }
                )
        for phase in cadence[:-1]:
            if not phase["months"]:
                raise ValidationError(
                    _("Every phase but the last needs a number of months."), code="bad_cadence"
                )
        if cadence:
            cadence[-1]["months"] = None
        data["cadence"] = cadence
        return data


class ContactForm(TidyChoicesMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    who = forms.CharField(
        label=_("Who took part"),
        max_length=200,
        help_text=_("Roles or organisations, for example “samordnare, elevhälsan”. No names."),
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].validators.append(guarded(str(_("Who took part"))))
        self.fields["note"].validators.append(guarded(str(_("Short note"))))
        self.initial.setdefault("on", timezone.localdate())


OPEN_CHOICES = [
    ("close", _("Close them together with the case")),
    ("refuse", _("Do not close the case: I will settle them first")),
]


class CloseForm(forms.Form):
    reason = reason_field(required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        version: int,
        has_open_items: bool,
        early: bool,
        can_verify: bool,
        decisions_about_case: Sequence[DecisionInfo] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", version)
        if has_open_items:
            self.fields["open_choice"] = forms.ChoiceField(
                label=_("Open escalations and unfinished measures"),
                choices=OPEN_CHOICES,
                widget=forms.RadioSelect,
            )
        if early:
            self.fields["early_reason"] = forms.CharField(
                label=_("Why the working group decided to close early"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
                validators=[guarded(str(_("Reason")))],
            )
            self.fields["decision_reference"] = forms.CharField(
                label=_("Reference of the working group's decision"),
                max_length=40,
                help_text=_("As in the minutes, for example SUTOHAMU-2026-014."),
                validators=[guarded(str(_("Decision reference")))],
            )
            if can_verify:
                # Only early-closure decisions recorded about this case are offered; the service
                # refuses any other reference (code `decision_not_about_case`).
                self.fields["decision_reference"].help_text = _(
                    "Only the working group's early-closure decisions about this case are listed."
                )
                self.fields["decision_reference"].widget = forms.Select(
                    choices=[("", "---------")]
                    + [
                        (d.reference, f"{d.reference} ({d.date:%Y-%m-%d}, {d.body_name})")
                        for d in decisions_about_case
                    ]
                )
            if not can_verify:
                self.fields["decided_on"] = forms.DateField(
                    label=_("Date of the decision"), widget=DateInput()
                )


class ReopenForm(TidyChoicesMixin, forms.Form):
    to = forms.ChoiceField(label=_("Reopen to"))
    reason = reason_field(required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, version: int, closed_from: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = lifecycle.LIFE_CYCLE.offered_from(CaseStatus.CLOSED)
        choice_field(self, "to").choices = [c for c in CaseStatus.choices if c[0] in allowed]
        self.initial.setdefault("to", closed_from)
        self.initial.setdefault("version", version)
