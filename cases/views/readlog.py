"""The read log, for the data protection officer: who read which case, when; no case text.

The page also says whether the log's hash chain is intact (cases/audit.chain_status: the last
full check, plus a bounded check of what came after it).
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.capabilities import Capability, capability_required
from sutohamu.http import AuthenticatedHttpRequest

from ..access import read_log_for
from ..audit import chain_status
from ..forms import ReadLogFilterForm

PAGE_SIZE = 100


@capability_required(Capability.READ_ACCESS_LOG)
def read_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReadLogFilterForm(request.GET or None)
    reads = read_log_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            reads = reads.filter(user__username__icontains=data["person"].strip())
        if data["reference"]:
            reads = reads.filter(case__reference__icontains=data["reference"].strip())
        if data["date_from"]:
            reads = reads.filter(at__date__gte=data["date_from"])
        if data["date_to"] and data["date_to"] < datetime.date.max:  # no overflow, never a 500
            reads = reads.filter(at__date__lt=data["date_to"] + datetime.timedelta(days=1))
    page = Paginator(reads, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "cases/read_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "chain": chain_status(request.user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
