"""Status report pages: the archive with the order form, a report, its PDF and CSV.

Thin views: the door (reports/access.py) says who sees what, the service asks and builds, the
worker builds. Every read of a finished report is logged (page, PDF, CSV).
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import Capability, capability_required
from accounts.models import User
from sutohamu.http import AuthenticatedHttpRequest, form_status, save_form

from . import figures
from .access import log_download, report_for, report_reads_for, reports_for, scopes_for
from .forms import MunicipalityForm, ReportOrderForm
from .models import DownloadKind, Report
from .output import (
    municipality_body,
    municipality_names,
    page_body,
    report_csv,
    report_pdf,
)
from .output import municipality_pdf as municipality_pdf_bytes
from .present import period_label
from .services import report_request
from .tasks import build_report

ARCHIVE_SIZE = 50


def reports_required(view: Any) -> Any:
    """Sign-in first, then 403 unless a role reads status reports."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scopes_for(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@reports_required
@require_http_methods(["GET", "POST"])
def archive(request: AuthenticatedHttpRequest) -> HttpResponse:
    scopes = scopes_for(request.user)
    form = ReportOrderForm(request.POST or None, scopes=scopes)
    if saved := save_form(
        request,
        form,
        lambda data: _order(scope=data["scope"], period=form.period(), by=request.user),
        done=_("The report was ordered and is being built."),
    ):
        return redirect("reports:detail", pk=saved.result.pk)
    items = reports_for(request.user)[:ARCHIVE_SIZE]
    return render(
        request, "reports/archive.html", {"form": form, "items": items}, status=form_status(form)
    )


@transaction.atomic
def _order(*, scope: str, period: figures.Period, by: User) -> Report:
    """The service records the order; the worker builds it once the order is committed."""
    report = report_request(by=by, scope=scope, period=period)
    transaction.on_commit(lambda: build_report.delay(report.pk))
    return report


@reports_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The figures and the PDF stay in the database unless the body must be drawn (`page_body`
    # keeps it per process by the report's digest): a national report's figures are about 1.1 MB
    # of JSON, which every view read and parsed.
    report = get_object_or_404(reports_for(request.user).defer("figures", "pdf"), pk=pk)
    if not report.is_done:
        return render(request, "reports/building.html", {"report": report})
    log_download(request.user, report, DownloadKind.PAGE)
    return render(
        request,
        "reports/detail.html",
        {"report": report, "period": _period(report), "body": page_body(report)},
    )


@reports_required
@require_GET
def municipality(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One municipality's figures of a report (`?kommun=<code>`, the report page's picker): its
    measures and its row of every table. A code the report lacks is a 404, a value no code looks
    like a 400 that says so."""
    report = get_object_or_404(reports_for(request.user).defer("figures", "pdf"), pk=pk)
    if not report.is_done:
        return render(request, "reports/building.html", {"report": report})
    form = MunicipalityForm(request.GET)
    context: dict[str, Any] = {"report": report, "form": form, "period": _period(report)}
    if not form.is_valid():
        return render(request, "reports/municipality.html", context, status=400)
    code = form.cleaned_data["kommun"]
    name = municipality_names(report).get(code)
    if name is None:
        raise Http404
    log_download(request.user, report, DownloadKind.PAGE)
    context |= {"code": code, "name": name, "body": municipality_body(report, code)}
    return render(request, "reports/municipality.html", context)


def _period(report: Report) -> str:
    return period_label(
        {"kind": report.period_kind, "start": str(report.start), "end": str(report.end)}
    )


@reports_required
@require_GET
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the report is ready it asks for a full reload."""
    report = report_for(request.user, pk)
    response = render(request, "reports/includes/progress.html", {"report": report})
    if not report.is_pending and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@reports_required
@require_GET
def pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if not report.is_done:
        return render(request, "reports/building.html", {"report": report}, status=409)
    log_download(request.user, report, DownloadKind.PDF)
    body = bytes(report.pdf) if report.pdf else report_pdf(report, keep=True)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report)}.pdf"'
    return response


@reports_required
@require_GET
def municipality_pdf(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """One municipality's document of a report (404 for a municipality the report lacks)."""
    report = report_for(request.user, pk)
    if not report.is_done:
        return render(request, "reports/building.html", {"report": report}, status=409)
    if code not in municipality_names(report):
        raise Http404
    log_download(request.user, report, DownloadKind.PDF)
    response = HttpResponse(municipality_pdf_bytes(report, code), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report)}-{code}.pdf"'
    return response


@reports_required
@require_GET
def csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if not report.is_done:
        return render(request, "reports/building.html", {"report": report}, status=409)
    log_download(request.user, report, DownloadKind.CSV)
    # A byte-order mark, so that a spreadsheet reads å, ä and ö.
    response = HttpResponse("\ufeff" + report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report)}.csv"'
    return response


def _filename(report: Any) -> str:
    return f"lagesrapport-{report.start:%Y%m%d}-{report.end:%Y%m%d}-{report.scope}"


@capability_required(Capability.READ_ACCESS_LOG)
@require_GET
def reads(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who read which status report, for the data protection officer (like the case read log)."""
    page = Paginator(report_reads_for(request.user), 100).get_page(request.GET.get("sida"))
    return render(request, "reports/reads.html", {"page": page, "query": ""})
