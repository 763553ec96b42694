"""Forms of meetings; each refused input answers 400 with the input kept (sutohamu.http)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from councils.models import Body
from sutohamu.forms import TidyChoicesMixin
from sutohamu.pii import check_no_personal_data

from .choices import DecisionKind, Trend
from .models import AgendaItem, Decision

MONTHS = list(MONTH_NAMES.items())


class GuardedFormMixin:
    """Check the form's free-text fields with the PII guard before any service is called."""

    guarded: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        for name in self.guarded:
            value = data.get(name)
            if isinstance(value, str) and value:
                try:
                    check_no_personal_data(value, str(self.fields[name].label))  # type: ignore[attr-defined]
                except forms.ValidationError as error:
                    self.add_error(name, error)  # type: ignore[attr-defined]
        return data


class ScheduleForm(TidyChoicesMixin, forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    skipped_months = forms.TypedMultipleChoiceField(
        label=_("Months without a meeting"),
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The working group skips July by default. Other bodies follow their plan."),
    )

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class MeetingForm(GuardedFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=160, required=False)
    guarded = ("place",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The meeting cannot end before it starts."))
        return data

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        return (
            datetime.datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            datetime.datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
        )


class NewMeetingForm(TidyChoicesMixin, MeetingForm):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    field_order = ["body", "day", "start", "end", "place"]

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class CancelForm(GuardedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    guarded = ("reason",)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.ModelMultipleChoiceField(
        label=_("Guests (by organisation)"),
        queryset=Organisation.objects.active().parties(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, seats: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = seats  # type: ignore[attr-defined]


class ItemForm(GuardedFormMixin, forms.ModelForm):
    guarded = ("title", "text")

    class Meta:
        model = AgendaItem
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class MoveForm(forms.Form):
    to = forms.IntegerField(label=_("Move to position"))


class SituationReportForm(GuardedFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("For"), queryset=Organisation.objects.none(), empty_label=None
    )
    trend_andt = forms.ChoiceField(label=_("ANDT"), choices=Trend.choices, widget=forms.RadioSelect)
    trend_crime = forms.ChoiceField(
        label=_("Crime prevention"), choices=Trend.choices, widget=forms.RadioSelect
    )
    trend_vbe = forms.ChoiceField(
        label=_("Violent extremism"), choices=Trend.choices, widget=forms.RadioSelect
    )
    risk_factors = forms.CharField(
        label=_("Risk factors seen"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    protective_factors = forms.CharField(
        label=_("Protective factors seen"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text = forms.CharField(
        label=_("Short picture"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("No case content and no names: the picture of the area, not of people."),
    )
    guarded = ("risk_factors", "protective_factors", "text")

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]


class NotesForm(GuardedFormMixin, forms.Form):
    """One notes field per agenda item (note_<position>), decisions (decision_<number>) when
    correcting, and then a reason; names that stay the same for the same minutes."""

    def __init__(
        self,
        *args: Any,
        items: list[AgendaItem],
        decisions: list[Decision] | None = None,
        reason: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys: dict[str, int] = {}
        for item in items:
            name = f"note_{item.position}"
            self.fields[name] = forms.CharField(
                label=f"{item.position}. {item.heading}",
                max_length=4000,
                required=False,
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.keys[name] = item.pk
        for decision in decisions or []:
            name = f"decision_{decision.number}"
            self.fields[name] = forms.CharField(
                label=decision.reference,
                max_length=2000,
                initial=decision.text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.keys[name] = decision.pk
        if reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the correction"), max_length=1000
            )
        self.guarded = tuple(self.fields)

    def values(self, prefix: str) -> dict[int, str]:
        """The submitted texts by the primary key of their item or decision."""
        return {
            self.keys[name]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix + "_") and name in self.keys
        }


class DecisionForm(GuardedFormMixin, TidyChoicesMixin, forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    item = forms.ModelChoiceField(
        label=_("Under agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind of decision"), choices=DecisionKind.choices, initial=DecisionKind.GENERAL
    )
    case_reference = forms.CharField(
        label=_("Case the early closure is about"),
        max_length=40,
        required=False,
        help_text=_("Only for an early closure: the case's reference, e.g. SUN-2026-0007."),
    )
    guarded = ("text", "case_reference")

    def __init__(self, *args: Any, items: QuerySet[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class ActionItemForm(GuardedFormMixin, TidyChoicesMixin, forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.ModelChoiceField(
        label=_("From decision"), queryset=Decision.objects.none(), required=False
    )
    guarded = ("title",)

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[User],
        decisions: QuerySet[Decision],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]


class JusteringForm(TidyChoicesMixin, forms.Form):
    """The chair and one or two justerare, among those present."""

    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())
    checkers = forms.ModelMultipleChoiceField(
        label=_("Minutes checkers (justerare)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or two of those present; not whoever writes the minutes."),
    )

    def __init__(self, *args: Any, present: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = present  # type: ignore[attr-defined]
        self.fields["checkers"].queryset = present  # type: ignore[attr-defined]


class DecisionSearchForm(TidyChoicesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
