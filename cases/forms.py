"""Forms of concern cases; they check input, the models and services hold the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, organisations_with, roles_with
from accounts.models import Organisation, RoleAssignment, User
from councils.choices import Area
from councils.forms import DateInput
from sutohamu.forms import choice_field, model_choice_field

from . import lifecycle
from .choices import CaseStatus, MeasureKind, Setting
from .models import Case, Consent, Measure, Note, Subject

CHOOSE = _("Choose …")
COUNTED_FIELDS = ("title", "description", "discovery")


def humane_choices(form: forms.BaseForm) -> None:
    """Empty choices read "Choose …", never Django's "---------"; radio lists offer no empty one.

    A radio list with nothing chosen already says "nothing chosen"; a selectable dash only lets
    a person send what the form then refuses.
    """
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            if field.empty_label is not None:
                field.empty_label = CHOOSE
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            radio = isinstance(field.widget, forms.RadioSelect)
            current: list[tuple[Any, Any]] = list(cast(Any, field.choices))
            field.choices = [
                (value, CHOOSE if value == "" and label == "---------" else label)
                for value, label in current
                if not (radio and value == "")
            ]


def count_characters(form: forms.BaseForm, names: tuple[str, ...] = COUNTED_FIELDS) -> None:
    """Long text fields state their limit, and a too long text is refused with a message.

    No `maxlength` attribute: a browser silently cuts pasted text at it, which is what a person
    must not find out only later. static/js/charcount.js shows a live count where scripts run.
    """
    for name in names:
        field = form.fields.get(name)
        if not isinstance(field, forms.CharField) or not field.max_length:
            continue
        limit = field.max_length
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-maxlength"] = str(limit)
        field.widget.attrs["aria-describedby"] = f"id_{name}-help"
        field.help_text = _("At most %(limit)d characters.") % {"limit": limit}
        field.widget.attrs["data-count-text"] = _("{count} of {limit} characters")
        field.error_messages["max_length"] = _(
            "At most %(limit_value)d characters: this text has %(show_value)d. Shorten it; "
            "nothing was saved."
        )


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
        choice_field(self, "setting").choices = Setting.choices
        humane_choices(self)
        count_characters(self)


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["pseudonym", "age_band", "residence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "residence").queryset = Organisation.objects.municipalities()
        self.fields["pseudonym"].widget.attrs["placeholder"] = _("Elev A")
        humane_choices(self)


def without_errors(form: forms.BaseForm) -> forms.BaseForm:
    """Show a bound form's input without validating it (a step that saves nothing)."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    return form


class OptionalSubjectForm(SubjectForm):
    """A row of the intake's pseudonyms: every row may stay empty, so none is marked required;
    a row with an age band or residence needs its pseudonym."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pseudonym"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("age_band") or data.get("residence")) and not data.get("pseudonym"):
            self.add_error("pseudonym", _("Write a pseudonym for this row, or leave it empty."))
        return data

    def _post_clean(self) -> None:
        # An empty row is no subject: the model's own checks run only on a row with a pseudonym.
        if self.cleaned_data.get("pseudonym"):
            super()._post_clean()  # type: ignore[misc]


class BaseSubjectFormSet(forms.BaseFormSet):
    def add_row(self) -> BaseSubjectFormSet:
        """The same input with one more empty row and no errors shown ("Add a row", no script)."""
        data = self.data.copy()  # type: ignore[attr-defined]
        total = f"{self.prefix}-TOTAL_FORMS"
        data[total] = str(min(self.total_form_count() + 1, self.max_num))
        grown = type(self)(data, prefix=self.prefix)
        grown._errors = [ErrorDict() for _form in grown.forms]  # type: ignore[attr-defined]
        grown._non_form_errors = grown.error_class()  # type: ignore[attr-defined]
        for form in grown.forms:
            without_errors(form)
        return grown

    def subjects(self) -> list[dict[str, Any]]:
        """The filled rows' cleaned data."""
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("pseudonym")]

    def clean(self) -> None:
        names = [
            f.cleaned_data["pseudonym"]
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("pseudonym")
        ]
        if len(names) != len(set(names)):
            raise forms.ValidationError(
                _("Each pseudonym can appear only once in a case."), code="pseudonym_repeated"
            )


SubjectFormSet = cast(
    type[BaseSubjectFormSet],
    forms.formset_factory(
        OptionalSubjectForm, formset=BaseSubjectFormSet, extra=3, max_num=12, validate_max=True
    ),
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
        choice_field(self, "setting").choices = Setting.choices
        humane_choices(self)
        count_characters(self)


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
        allowed = lifecycle.LIFE_CYCLE.offered_from(case.status)
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
        humane_choices(self)


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
        humane_choices(self)


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class DeskFilterForm(forms.Form):
    filters_all_by_blank = True  # "All areas", "All open", "Everyone" (sutohamu.forms)

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference, title or problem picture."),
    )
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
    """One escalation to several receivers, each with the pseudonyms shared with it.

    `receiver` is a list of checkboxes; each receiver has its own `subjects_<pk>` checkboxes, so
    that the police may see other pseudonyms than a neighbouring municipality. No script needed.
    """

    receiver = forms.ModelMultipleChoiceField(
        label=_("Escalate to"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one receiver.")},
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    request = forms.CharField(
        label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
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
        offered = list(
            Organisation.objects.active()
            .parties()
            .exclude(pk=case.municipality_id)
            .filter(Exists(receivers))
        )
        field = model_choice_field(self, "receiver")
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in offered])
        # includes/form.html draws the receivers with their pseudonyms by this template.
        field.row_template = "cases/includes/receiver_rows.html"  # type: ignore[attr-defined]
        self.offered = offered
        subjects = list(case.subjects.all())
        self.has_subjects = bool(subjects)
        for organisation in offered if subjects else []:
            subjects_field = forms.ModelMultipleChoiceField(
                label=_("Pseudonyms shared with %(receiver)s") % {"receiver": organisation},
                required=False,
                queryset=case.subjects.all(),
                widget=forms.CheckboxSelectMultiple,
            )
            subjects_field.nested = True  # type: ignore[attr-defined]  # drawn in receiver_rows
            self.fields[self.subjects_name(organisation.pk)] = subjects_field

    @staticmethod
    def subjects_name(pk: int) -> str:
        return f"subjects_{pk}"

    def receiver_rows(self) -> list[tuple[Any, forms.BoundField | None]]:
        """Each receiver's checkbox with its own pseudonym checkboxes (for the template)."""
        boxes = {int(str(box.data["value"])): box for box in self["receiver"]}
        return [
            (
                boxes[o.pk],
                self[self.subjects_name(o.pk)] if self.has_subjects else None,
            )
            for o in self.offered
            if o.pk in boxes
        ]

    def selections(self) -> list[tuple[Organisation, list[Subject]]]:
        """The chosen receivers, each with the pseudonyms ticked for it."""
        data = self.cleaned_data
        return [
            (receiver, list(data.get(self.subjects_name(receiver.pk)) or []))
            for receiver in data["receiver"]
        ]


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
        humane_choices(self)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Proposed measure"), required=False, choices=[("", CHOOSE), *MeasureKind.choices]
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        required=False,
        queryset=Organisation.objects.active(),
        empty_label=CHOOSE,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and not data.get("responsible"):
            self.add_error("responsible", _("Say who would be responsible."))
        return data


ProposalFormSet = forms.formset_factory(ProposalForm, extra=2, max_num=6)


class ProposalAcceptForm(forms.Form):
    """Accepting a proposal asks when the measure is planned; a measure without dates shows as
    not scheduled."""

    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end date cannot be before the start date."))
        return data


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
