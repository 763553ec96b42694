"""Each person chooses, per kind of reminder, how it reaches them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .models import Channel, ReminderKind, ReminderPreference
from .services import channel_for, preferences_save

INTRO = gettext_lazy(
    "Every reminder appears under Notifications. Choose per kind whether it also comes "
    "by e-mail at once, or in one daily digest e-mail. E-mails carry a link and the "
    "case reference only, never case text."
)
NO_ADDRESS = gettext_lazy(
    "Your account has no e-mail address, so no reminder reaches you by e-mail: they appear "
    "under Notifications only. Ask the administrator to add your address."
)


class PreferencesForm(forms.Form):
    def __init__(
        self, *args: object, current: dict[str, str], address: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in ReminderKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=channel_for(current.get(kind.value), address),
                widget=forms.RadioSelect,
            )


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = dict(
        ReminderPreference.objects.filter(user=request.user).values_list("kind", "channel")
    )
    address = request.user.email
    form = PreferencesForm(request.POST or None, current=current, address=address)
    if save_form(
        request,
        form,
        lambda data: preferences_save(choices=data, by=request.user),
        done=_("Your reminder settings were saved."),
    ):
        return redirect("reminders:preferences")
    return render_form(
        request,
        form,
        title=_("Reminder settings"),
        intro=INTRO if address else f"{INTRO} {NO_ADDRESS}",
    )
