"""Medskick between the local councils and the working group: inbox, outbox and answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutohamu.forms import model_choice_field
from sutohamu.history import change_log
from sutohamu.http import (
    AuthenticatedHttpRequest,
    refusal_status,
    render_form,
    save_form,
)

from .. import access, services
from ..forms import MedskickAnswerForm, MedskickForm
from ..models import Medskick
from ..models.medskick import MEDSKICK_STATES
from .access import member_required


@member_required
def medskick_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = access.medskick_visible_to(request.user).select_related("sender", "receiver", "handler")
    show_closed = request.GET.get("stangda") == "1"
    if not show_closed:
        items = items.open()
    body_ids = set(access.bodies_with_member(request.user).values_list("pk", flat=True))
    inbox = [m for m in items if m.receiver_id in body_ids]
    outbox = [m for m in items if m.sender_id in body_ids]
    return render(
        request,
        "councils/medskick_list.html",
        {
            "inbox": inbox,
            "outbox": outbox,
            "show_closed": show_closed,
            "can_send": access.medskick_senders(request.user).exists(),
        },
    )


@member_required
def medskick_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MedskickForm(request.POST or None, user=request.user)
    senders = model_choice_field(form, "sender").queryset
    if senders is None or not senders.exists():
        raise PermissionDenied
    saved = save_form(
        request,
        form,
        lambda data: services.medskick_create(
            sender=data["sender"],
            receiver=data["receiver"],
            area=data["area"],
            title=data["title"],
            text=data["text"],
            by=request.user,
        ),
        done=_("The medskick was sent."),
    )
    if saved:
        return redirect("councils:medskick", pk=saved.result.pk)
    return render_form(request, form, title=_("Send a medskick"), submit_label=_("Send"))


@member_required
def medskick_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = access.medskick_for(request.user, pk)
    return render(request, "councils/medskick_detail.html", _detail_context(request, item))


def _detail_context(
    request: AuthenticatedHttpRequest, item: Medskick, form: MedskickAnswerForm | None = None
) -> dict[str, Any]:
    can_answer = access.can_answer_medskick(request.user, item)
    offered = MEDSKICK_STATES.offered_from(item.status)
    return {
        "item": item,
        "can_receive": can_answer and "receive" in offered,
        "can_answer": can_answer and "answer" in offered,
        "can_close": "close" in offered
        and (can_answer or access.can_change_medskick(request.user, item)),
        "answer_form": form or MedskickAnswerForm(initial={"answer": item.answer}),
        "change_log": change_log(item),
    }


@require_POST
@member_required
def medskick_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = access.medskick_for(request.user, pk, receiving=True)
    return _act(
        request,
        item,
        lambda: services.medskick_receive(medskick=item, by=request.user),
        _("Marked as received."),
    )


@require_POST
@member_required
def medskick_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = access.medskick_for(request.user, pk, receiving=True)
    form = MedskickAnswerForm(request.POST)
    if save_form(
        request,
        form,
        lambda data: services.medskick_answer(medskick=item, text=data["answer"], by=request.user),
        done=_("The answer was saved."),
    ):
        return redirect("councils:medskick", pk=item.pk)
    context = _detail_context(request, item, form)
    context["action_errors"] = form.non_field_errors()
    return render(request, "councils/medskick_detail.html", context, status=400)


@require_POST
@member_required
def medskick_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = access.medskick_for(request.user, pk, change=True)
    return _act(
        request,
        item,
        lambda: services.medskick_close(medskick=item, by=request.user),
        _("The medskick was closed."),
    )


def _act(
    request: AuthenticatedHttpRequest, item: Medskick, action: Callable[[], object], done: str
) -> HttpResponse:
    """Run one service; a medskick in the wrong status answers 409 on its page."""
    try:
        action()
    except ValidationError as error:
        context = _detail_context(request, item)
        context["action_errors"] = error.messages
        return render(
            request, "councils/medskick_detail.html", context, status=refusal_status(error)
        )
    messages.success(request, done)
    return redirect("councils:medskick", pk=item.pk)
