"""Forms of concern cases; they check input, the models and services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, organisations_with, roles_with
from accounts.choices import OrganisationKind
from accounts.models import Organisation, RoleAssignment, User
from councils.choices import Area
from councils.forms import DateInput
from sutohamu.forms import choice_field, model_choice_field

from . import lifecycle
from .choices import CaseStatus, MeasureKind
from .models import Case, Consent, Measure, Note, Subject


class AreasField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Area.choices,
            widget=forms.CheckboxSelectMultiple,
            label=_("Areas"),
            error_messages={"required": _("Choose at least one area.")},
            **kwargs,
        )


class IntakeForm(forms.ModelForm):
    """Anmäl oro: the problem picture only; people appear as pseudonyms below it."""

    areas = AreasField()

    class Meta:
        model = Case
        fields = ["municipality", "setting", "title", "description", "discovery"]
        widgets = {"setting": forms.RadioSelect}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [o.pk for o in organisations_with(user, Capability.REPORT_CONCERN)]
        field = model_choice_field(self, "municipality")
        field.queryset = Organisation.objects.municipalities().filter(pk__in=allowed)
        if len(allowed) == 1:
            self.fields["municipality"].initial = allowed[0]
        self.order_fields(["municipality", "areas", "setting", "title", "description"])


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["pseudonym", "age_band", "residence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "residence").queryset = Organisation.objects.municipalities()
        self.fields["pseudonym"].widget.attrs["placeholder"] = _("Elev A")


class BaseSubjectFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        names = [
            f.cleaned_data["pseudonym"]
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("pseudonym")
        ]
        if len(names) != len(set(names)):
            raise forms.ValidationError(_("Each pseudonym can appear only once in a case."))


SubjectFormSet = forms.formset_factory(
    SubjectForm, formset=BaseSubjectFormSet, extra=3, max_num=12, validate_max=True
)


class CaseEditForm(forms.ModelForm):
    areas = AreasField()
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["setting", "title", "description", "discovery"]
        widgets = {"setting": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["areas"] = self.instance.area_list
            self.initial["version"] = self.instance.version
        self.order_fields(["areas", "setting", "title", "description", "discovery"])


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Needed when closing or reopening the case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field accepts any status, so that a wrong one is refused by the life-cycle rule
        # with its own words; the widget offers only the moves allowed from here.
        allowed = lifecycle.allowed_from(case.status)
        choice_field(self, "to").choices = CaseStatus.choices
        self.fields["to"].widget.choices = [c for c in CaseStatus.choices if c[0] in allowed]
        self.initial.setdefault("version", case.version)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "kind",
            "description",
            "responsible",
            "responsible_unit",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "outcome",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
        }

    def __init__(self, *args: Any, responsible_ids: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.active()
        if responsible_ids is not None:  # a receiver adds the measures it delivers itself
            organisations = organisations.filter(pk__in=responsible_ids)
        model_choice_field(self, "responsible").queryset = organisations


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["subject", "organisations", "scope", "given_on", "expires_on", "withdrawn_on"]
        widgets = {
            "organisations": forms.CheckboxSelectMultiple,
            "given_on": DateInput(),
            "expires_on": DateInput(),
            "withdrawn_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "subject").queryset = self.instance.case.subjects.all()
        model_choice_field(self, "organisations").queryset = Organisation.objects.active()


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class DeskFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=24)
    area = forms.ChoiceField(
        label=_("Area"), required=False, choices=[("", _("All areas")), *Area.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), *CaseStatus.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=User.objects.none(), empty_label=_("Everyone")
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = owners


class ReadLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (user name)"), required=False, max_length=150)
    reference = forms.CharField(label=_("Case reference"), required=False, max_length=24)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data


class EscalationForm(forms.Form):
    receiver = forms.ModelChoiceField(label=_("Escalate to"), queryset=Organisation.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    request = forms.CharField(
        label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Pseudonyms concerned (shared with the receiver)"),
        required=False,
        queryset=Subject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    take_up_at_working_group = forms.BooleanField(
        label=_("Take up at the working group's next meeting (neighbouring municipality)"),
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only organisations with someone to receive it today; never the Security Service,
        # which the police part informs. The service refuses the others with its own words.
        receivers = RoleAssignment.objects.active().filter(
            organisation=OuterRef("pk"),
            role__in=roles_with(Capability.REVIEW_ESCALATIONS),
            user__is_active=True,
        )
        model_choice_field(self, "receiver").queryset = (
            Organisation.objects.active()
            .exclude(kind=OrganisationKind.SECURITY_SERVICE)
            .exclude(pk=case.municipality_id)
            .filter(Exists(receivers))
        )
        model_choice_field(self, "subjects").queryset = case.subjects.all()


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The municipality's coordinators today; the service checks again when it saves.
        coordinators = RoleAssignment.objects.active().filter(
            organisation_id=case.municipality_id, role__in=roles_with(Capability.WORK_CASES)
        )
        owners = User.objects.filter(is_active=True, pk__in=coordinators.values("user"))
        if case.owner_id is not None:  # an ownerless case leaves every coordinator to choose
            owners = owners.exclude(pk=case.owner_id)
        model_choice_field(self, "owner").queryset = owners.order_by("first_name", "last_name")


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Proposed measure"), required=False, choices=[("", "–"), *MeasureKind.choices]
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"), required=False, queryset=Organisation.objects.active()
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and not data.get("responsible"):
            self.add_error("responsible", _("Say who would be responsible."))
        return data


ProposalFormSet = forms.formset_factory(ProposalForm, extra=2, max_num=6)


class EscalationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer and advice"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class EscalationCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SecurityServiceForm(forms.Form):
    on = forms.DateField(label=_("The Security Service was informed on"), widget=DateInput())
