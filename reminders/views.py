"""Each person chooses, per kind of reminder, how it reaches them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sutohamu.http import AuthenticatedHttpRequest, render_form

from .models import Channel, ReminderKind, ReminderPreference


class PreferencesForm(forms.Form):
    def __init__(self, *args: object, current: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in ReminderKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current.get(kind.value, Channel.EMAIL),
                widget=forms.RadioSelect,
            )


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = dict(
        ReminderPreference.objects.filter(user=request.user).values_list("kind", "channel")
    )
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, channel in form.cleaned_data.items():
            ReminderPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"channel": channel}
            )
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("reminders:preferences")
    return render_form(
        request,
        form,
        title=_("Reminder settings"),
        intro=_(
            "Every reminder appears under Notifications. Choose per kind whether it also comes "
            "by e-mail at once, or in one daily digest e-mail. E-mails carry a link and the "
            "case reference only, never case text."
        ),
    )
