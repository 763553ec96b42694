"""The coordinator's desk and its export."""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.capabilities import (
    Capability,
    capability_required,
    fragment_scope,
    organisation_ids_with,
)
from sutohamu.fragments import MINUTE_SECONDS, Page
from sutohamu.http import AuthenticatedHttpRequest
from sutohamu.spreadsheet import safe_cell

from ..access import cases_for_export, owners_to_filter
from ..forms import DeskFilterForm
from ..selectors import DESK_PAGE_SIZE, case_rows, desk_cases, desk_for, escalations_waiting
from ..versions import desk_versions

EXPORT_LIMIT = 2000


def _filters(request: AuthenticatedHttpRequest) -> tuple[DeskFilterForm, dict]:
    form = DeskFilterForm(request.GET or None, owners=owners_to_filter(request.user))
    return form, (form.cleaned_data if form.is_valid() else {})


@capability_required(Capability.WORK_CASES)
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The versions before any row (sutohamu.fragments): every write to a case bumps its
    # municipality's desk version. The panels, the filter form (per query: its owners are the
    # owners of the cases, which change only through the services), the case table (per filter,
    # page and query) and the escalations' panel (it words the time waited: kept per minute) are
    # read only on a miss, all in one round trip.
    user = request.user
    municipalities = organisation_ids_with(user, Capability.WORK_CASES)
    form, filters = _filters(request)
    number = request.GET.get("sida")
    query = request.GET.copy()
    query.pop("sida", None)
    table_key = repr(sorted((k, getattr(v, "pk", v)) for k, v in filters.items()))
    minute = timezone.localtime().strftime("%H:%M")
    parts = Page(
        versions=desk_versions(municipalities),
        scope=fragment_scope(user),
        parts=(
            "desk.panels",
            ("desk.escalations", [minute]),
            "desk.consents",
            ("desk.form", [query.urlencode()]),
            ("desk.cases", [table_key, number or "", query.urlencode()]),
        ),
    )

    @cache
    def table() -> dict[str, Any]:
        page = Paginator(desk_cases(user, filters), DESK_PAGE_SIZE).get_page(number)
        return {"page": page, "rows": case_rows(page.object_list)}

    return render(
        request,
        "cases/desk.html",
        {
            "parts": parts,
            "desk": cache(lambda: desk_for(user, escalations=False)),
            "escalations_waiting": cache(lambda: escalations_waiting(user)),
            "form": form,
            "table": table,
            # What the table shows: the valid filters (an owner as their id) and the page asked.
            "table_key": table_key,
            "number": number or "",
            "query": query.urlencode(),
            "minute": minute,
            "minute_seconds": MINUTE_SECONDS,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@capability_required(Capability.WORK_CASES)
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The desk's filtered table as CSV; every exported case is logged as read."""
    _form, filters = _filters(request)
    try:
        cases = cases_for_export(request.user, desk_cases(request.user, filters), EXPORT_LIMIT)
    except ValidationError as error:
        query = request.GET.urlencode()
        return render(
            request,
            "cases/export_refused.html",
            {"messages_list": error.messages, "query": query},
            status=400,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Referens", "Status", "Områden", "Miljö", "Problembild", "Ägare", "Inkommen"])
    for case in cases:
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    case.reference,
                    case.get_status_display(),
                    ", ".join(case.area_labels),
                    case.get_setting_display(),
                    case.title,
                    case.owner or "",
                    timezone.localtime(case.reported_at).strftime("%Y-%m-%d"),
                )
            ]
        )
    return response
