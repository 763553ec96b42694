"""What the meetings views share: the detail page's context and the refusal page."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import Organisation
from sutohamu.fragments import Page
from sutohamu.http import AuthenticatedHttpRequest, refusal_status

from .. import access
from ..models import Meeting, SituationReport
from ..services import approval_refusal, expected_reporters


def refused(
    request: AuthenticatedHttpRequest, error: ValidationError, meeting: Meeting | None = None
) -> HttpResponse:
    """A clear message and a way back; nothing saved was lost."""
    return render(
        request,
        "meetings/refused.html",
        {"messages_list": error.messages, "meeting": meeting},
        status=refusal_status(error),  # 409 for a locked or cancelled record, else 400
    )


def pictures_of(
    meeting: Meeting, reporters: list[Organisation]
) -> list[tuple[Organisation, SituationReport | None]]:
    """Each expected organisation (`expected_reporters`) with its lägesbild for the meeting."""
    reports = {
        r.organisation_id: r for r in meeting.situation_reports.select_related("submitted_by")
    }
    return [(org, reports.get(org.pk)) for org in reporters]


def meeting_context(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    case_limit: int | None = None,
    parts: Page | None = None,
) -> dict[str, Any]:
    """The meeting page's context, every row read lazily: the template calls each value when it
    first needs it, so the part of the page served from the cache (`parts`, the agenda's
    "agenda.page") reads nothing, and a miss reads each once."""
    user = request.user
    reporters = cache(lambda: expected_reporters(meeting))
    return {
        "meeting": meeting,
        "parts": parts,
        "case_limit": case_limit,
        "items": cache(
            lambda: list(meeting.items.select_related("organisation").order_by("position", "pk"))
        ),
        "case_lines": cache(lambda: access.case_lines(user, meeting, case_limit)),
        "escalation_lines": cache(lambda: access.escalation_lines(user, meeting)),
        "medskick_lines": cache(lambda: access.medskick_lines(user, meeting)),
        "earlier_actions": cache(lambda: access.open_action_items(meeting)),
        "pictures": cache(lambda: pictures_of(meeting, reporters())),
        # Links only where they open: a history the person may read, a picture they may submit.
        "readable_pictures": cache(lambda: access.readable_picture_ids(user)),
        "can_submit_picture": cache(
            lambda: bool(access.reporting_organisations(user, reporters()))
        ),
        "attendance": cache(
            lambda: list(meeting.attendance.select_related("user", "organisation"))
        ),
        "decisions": cache(
            lambda: list(meeting.decisions.select_related("item").order_by("number"))
        ),
        "actions": cache(lambda: list(meeting.action_items.select_related("owner", "decision"))),
        "versions": cache(lambda: list(meeting.versions.select_related("created_by").defer("pdf"))),
        "agenda_versions": cache(
            lambda: list(meeting.agenda_versions.select_related("created_by").defer("pdf"))
        ),
        "checkers": cache(lambda: list(meeting.checkers.select_related("user"))),
        # Why this person may not approve the minutes now (shown instead of the button).
        "approval_refusal": cache(lambda: approval_refusal(meeting, user)),
        "can_prepare": cache(lambda: access.can_prepare(user, meeting)),
        "can_change": cache(lambda: access.can_change(user, meeting)),
    }
