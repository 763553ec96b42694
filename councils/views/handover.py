"""Hand-over (överlämning) and the administrator's list of orphans."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, capability_required
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from ..forms import HandoverForm
from ..models import Handover
from ..services import find_orphans, handover_role


@capability_required(Capability.MANAGE_ACCOUNTS)
def handover_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HandoverForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda data: handover_role(
            assignment=data["assignment"],
            successor=data["successor"],
            by=request.user,
        ),
        done=lambda done: (
            _("%(old)s's role was handed over to %(new)s.")
            % {"old": done.from_user, "new": done.to_user}
        ),
    )
    if saved:
        return redirect("councils:handovers")
    return render_form(
        request,
        form,
        title=_("Hand over a role"),
        intro=_(
            "Everything the person holds in the role moves to the successor, and the role "
            "ends. The successor must already hold the same role at the same organisation."
        ),
        submit_label=_("Hand over"),
    )


@capability_required(Capability.MANAGE_ACCOUNTS)
def handover_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    handovers = Handover.objects.select_related(
        "from_user", "to_user", "performed_by", "role_assignment__organisation"
    )[:200]
    return render(request, "councils/handover_list.html", {"handovers": handovers})


@capability_required(Capability.MANAGE_ACCOUNTS)
def orphans(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "councils/orphans.html", {"groups": find_orphans()})
