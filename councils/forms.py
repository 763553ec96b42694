"""Forms of the cooperation's structure; they check input, the models and services the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Organisation, RoleAssignment, User
from sutohamu.forms import EMPTY_CHOICE, TidyChoicesMixin, model_choice_field
from sutohamu.http import add_validation_error

from .models import (
    ActionPlanAssignment,
    Agreement,
    Body,
    CitizenPromise,
    Medskick,
    Priority,
    PromiseActivity,
)
from .models.medskick import ROUTES, receivers_for
from .models.priorities import PriorityRights, promise_municipalities
from .validators import validate_pdf


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["name", "description"]


class MeetingPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_meetings = forms.IntegerField(label=_("Planned meetings"), min_value=0, max_value=24)


class MedskickForm(TidyChoicesMixin, forms.ModelForm):
    """Send a medskick from one of the bodies the person edits."""

    class Meta:
        model = Medskick
        fields = ["sender", "receiver", "area", "title", "text"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Medskick(sent_by=user))
        super().__init__(*args, **kwargs)
        sender_field = model_choice_field(self, "sender")
        senders = list(Body.objects.changeable_by(user).filter(kind__in=list(ROUTES)))
        sender_field.queryset = Body.objects.filter(pk__in=[s.pk for s in senders])
        # "To" offers only what the model's route table lets one of these senders reach,
        # grouped by sender when there are several (Medskick.clean applies the same table).
        groups = [(sender, list(receivers_for(sender))) for sender in senders]
        receiver_field = model_choice_field(self, "receiver")
        receiver_field.queryset = Body.objects.filter(
            pk__in={r.pk for _sender, receivers in groups for r in receivers}
        )
        if len(groups) == 1:
            receiver_field.choices = [("", EMPTY_CHOICE)] + [(r.pk, r.name) for r in groups[0][1]]
            sender_field.empty_label = None
        elif groups:
            receiver_field.choices = [("", EMPTY_CHOICE)] + [
                (
                    _("From %(sender)s") % {"sender": sender.name},
                    [(r.pk, r.name) for r in receivers],
                )
                for sender, receivers in groups
            ]


class MedskickAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=4000)


class PriorityForm(TidyChoicesMixin, forms.ModelForm):
    """Local priorities for the person's own municipality; joint ones for working-group editors."""

    class Meta:
        model = Priority
        fields = [
            "year",
            "period",
            "scope",
            "municipality",
            "area",
            "title",
            "description",
            "decision_reference",
            "decision_date",
            "outcome",
        ]
        widgets = {"scope": forms.RadioSelect, "decision_date": DateInput()}

    def __init__(self, *args: Any, rights: PriorityRights, **kwargs: Any) -> None:
        """The municipalities offered and the check in clean are the person's PriorityRights."""
        super().__init__(*args, **kwargs)
        self.rights = rights
        field = model_choice_field(self, "municipality")
        field.queryset = Organisation.objects.municipalities().filter(pk__in=rights.own)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        municipality = data.get("municipality")
        try:
            self.rights.check(data.get("scope", ""), getattr(municipality, "pk", None))
        except ValidationError as error:
            add_validation_error(self, error)
        return data


class CitizenPromiseForm(TidyChoicesMixin, forms.ModelForm):
    class Meta:
        model = CitizenPromise
        fields = ["municipality", "police_area", "year", "title", "text"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "municipality")
        field.queryset = promise_municipalities(user)
        model_choice_field(self, "police_area").queryset = Organisation.objects.filter(
            kind="police_area"
        )
        self.fields["year"].initial = timezone.localdate().year


class PromiseActivityForm(TidyChoicesMixin, forms.ModelForm):
    class Meta:
        model = PromiseActivity
        fields = ["title", "owner", "due_date", "status", "follow_up"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = Organisation.objects.active()


class ActionPlanAssignmentForm(TidyChoicesMixin, forms.ModelForm):
    class Meta:
        model = ActionPlanAssignment
        fields = ["coordinator", "fallback"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coordinators = User.objects.filter(
            roles__in=RoleAssignment.objects.active().filter(
                role=Role.COORDINATOR, organisation=self.instance.municipality
            )
        ).distinct()
        model_choice_field(self, "coordinator").queryset = coordinators
        model_choice_field(self, "fallback").queryset = coordinators


class AgreementDocumentForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["document"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].required = True
        self.fields["document"].validators.append(validate_pdf)
        self.fields["document"].widget = forms.FileInput(attrs={"accept": "application/pdf"})


class AgreementTerminationForm(TidyChoicesMixin, forms.Form):
    party = forms.ModelChoiceField(label=_("Terminated by"), queryset=Organisation.objects.none())
    on = forms.DateField(label=_("Ends on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "party").queryset = agreement.parties.all()


class HandoverForm(TidyChoicesMixin, forms.Form):
    assignment = forms.ModelChoiceField(
        label=_("Role that is left"),
        queryset=RoleAssignment.objects.active().select_related("user", "organisation"),
    )
    successor = forms.ModelChoiceField(
        label=_("Successor"), queryset=User.objects.filter(is_active=True)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "Active" is decided today, not when the module was imported.
        field = model_choice_field(self, "assignment")
        field.queryset = RoleAssignment.objects.active().select_related("user", "organisation")
