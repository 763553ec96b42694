"""The door to status reports: who sees which scope, and which reports of the archive.

The styrgrupp, the coordinators, the LPO chief and Länsstyrelsen see the whole cooperation
(`VIEW_STATUS_REPORTS`), Agera Värmland violent extremism only (`VIEW_VBE_STATUS_REPORTS`), the
administrator and the data protection officer nothing. Views and tasks fetch reports here only;
a report out of reach is a 404, like a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.capabilities import Capability, capabilities_of
from accounts.models import User

from .models import DownloadKind, Report, ReportDownload, ReportStatus, Scope

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


def scopes_for(user: AnyUser) -> list[str]:
    """The scopes the person may read and ask for, widest first; empty for no report at all."""
    caps = capabilities_of(user)
    if Capability.VIEW_STATUS_REPORTS in caps:
        return [Scope.ALL, Scope.VBE]
    if Capability.VIEW_VBE_STATUS_REPORTS in caps:
        return [Scope.VBE]
    return []


def may_read_reports(user: AnyUser) -> bool:
    return bool(scopes_for(user))


def reports_for(user: AnyUser) -> QuerySet[Report]:
    """The archive as the person may see it (every report of a scope they read)."""
    return Report.objects.filter(scope__in=scopes_for(user)).select_related("requested_by")


def report_for(user: AnyUser, pk: int) -> Report:
    return get_object_or_404(reports_for(user), pk=pk)


def log_download(user: User, report: Report, kind: DownloadKind) -> None:
    """The report read log: append only, like the case read log."""
    ReportDownload.objects.create(user_id=user.pk, report=report, kind=kind)


def report_reads_for(user: AnyUser) -> QuerySet[ReportDownload]:
    """Who read which report: the data protection officer's, like the case read log."""
    if Capability.READ_ACCESS_LOG not in capabilities_of(user):
        return ReportDownload.objects.none()
    return ReportDownload.objects.select_related("user", "report")


def report_to_build(pk: int) -> Report | None:
    """For the worker, which acts for no person: the report if it still waits to be built."""
    return Report.objects.filter(
        pk=pk, status__in=[ReportStatus.QUEUED, ReportStatus.BUILDING]
    ).first()
