"""The data protection officer's door: the secrecy log of one case, and the read log's chain.

Only a person with the read-access-log capability gets anything here; anyone else gets 404, as
for a case out of reach. What comes out is who read or changed what and when: the case's
reference, the kind of record and the names of the fields changed, never a value of the case's
content.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from accounts.capabilities import Capability, has_capability, roles_with
from accounts.models import RoleAssignment, User
from sutohamu.pdf import html_to_pdf

from .choices import CaseStatus
from .models import Case, CaseRead, ReadLogCheck, RetentionRecord, Transition
from .models.reads import (
    CHAINS,
    READ_FIELDS_MAC,
    READS,
    ChainProblem,
    ChainResult,
    check_unsealed,
    mac_matches,
    pending_reads,
    record_check,
    seal_pending,
    verify_from_checkpoint,
    verify_full,
)
from .retention import parts

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from accounts.capabilities import AnyUser

# The officer's page checks at most this many entries past the last checkpoint; the nightly task
# (or `manage.py verify_read_log`) checks the whole log and moves the checkpoint forward.
PAGE_CHECK_LIMIT = 20_000
# A read gets its seal within seconds of its commit (the seal task); one older than this without a
# seal is reported.
SEAL_GRACE = datetime.timedelta(minutes=10)
# Before the first full check, unsealed reads are looked for this far back only.
UNSEALED_WINDOW_DAYS = 30

logger = logging.getLogger("sutohamu.readlog")

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _label(model: type[models.Model]) -> _StrOrPromise:
    return model._meta.verbose_name or model.__name__


def require_auditor(user: AnyUser) -> None:
    if not has_capability(user, Capability.READ_ACCESS_LOG):
        raise Http404


@dataclass
class AuditEntry:
    when: datetime.datetime
    who: User | None
    kind: str  # "read" or "change"
    what: _StrOrPromise
    action: _StrOrPromise
    fields: list[str] = field(default_factory=list)


@dataclass
class CaseAudit:
    case: Case
    start: datetime.date | None
    end: datetime.date | None
    entries: list[AuditEntry]

    @property
    def reads(self) -> list[AuditEntry]:
        return [e for e in self.entries if e.kind == "read"]

    @property
    def changes(self) -> list[AuditEntry]:
        return [e for e in self.entries if e.kind == "change"]


def _bounds(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tz) if start else None
    high = (
        datetime.datetime.combine(end, datetime.time.min, tz) + datetime.timedelta(days=1)
        if end
        else None
    )
    return low, high


def _in_period(rows: QuerySet, name: str, low: Any, high: Any) -> QuerySet:
    if low is not None:
        rows = rows.filter(**{f"{name}__gte": low})
    if high is not None:
        rows = rows.filter(**{f"{name}__lt": high})
    return rows


def _changed_fields(model: type[models.Model], record: Any, previous: Any) -> list[str]:
    """The labels of the fields a history record changed (labels only, never values)."""
    if previous is None:
        return []
    names = []
    for delta in record.diff_against(previous).changes:
        try:
            found = model._meta.get_field(delta.field)
        except FieldDoesNotExist:  # a field removed since: name it as stored
            names.append(delta.field)
            continue
        names.append(str(getattr(found, "verbose_name", delta.field)))
    return names


def _history_entries(case: Case, low: Any, high: Any) -> list[AuditEntry]:
    entries = []
    for part in parts():
        try:
            history = get_history_model_for_model(part.model)
        except NotHistoricalModelError:
            continue
        key = "id" if part.model is Case else part.case_path
        # Up to the end of the period, so that the first change in it has its predecessor.
        rows = _in_period(
            history._default_manager.filter(**{key: case.pk}), "history_date", None, high
        )
        rows = rows.select_related("history_user").order_by(
            part.model._meta.pk.attname, "history_date", "history_id"
        )
        previous: dict[Any, Any] = {}
        for record in rows:
            object_id = getattr(record, part.model._meta.pk.attname)
            before = previous.get(object_id)
            previous[object_id] = record
            if low is not None and record.history_date < low:
                continue
            changed = (
                _changed_fields(part.model, record, before) if record.history_type == "~" else []
            )
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    who=record.history_user,
                    kind="change",
                    what=_label(part.model),
                    action=ACTIONS.get(record.history_type, record.history_type),
                    fields=changed,
                )
            )
    return entries


def case_audit(
    user: AnyUser,
    reference: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> CaseAudit:
    """Every read and change of the case in the period (dates inclusive), oldest first."""
    require_auditor(user)
    case = get_object_or_404(Case.objects.only("pk", "reference"), reference=reference)
    low, high = _bounds(start, end)
    entries = [
        AuditEntry(r.at, r.user, "read", _("read"), r.get_kind_display())
        for r in _in_period(
            CaseRead.objects.filter(case=case).select_related("user"), "at", low, high
        ).order_by("at", "pk")
    ]
    statuses = dict(CaseStatus.choices)
    for t in _in_period(
        Transition.objects.filter(case=case).select_related("by"), "at", low, high
    ).order_by("at", "pk"):
        entries.append(
            AuditEntry(
                t.at,
                t.by,
                "change",
                _label(Transition),
                _("%(from)s → %(to)s")
                % {"from": statuses.get(t.from_status, "–"), "to": statuses.get(t.to_status)},
            )
        )
    entries += _history_entries(case, low, high)
    for record in _in_period(
        RetentionRecord.objects.filter(case=case).select_related("by"), "reduced_at", low, high
    ):
        entries.append(
            AuditEntry(
                record.reduced_at,
                record.by,
                "change",
                _label(RetentionRecord),
                _("reduced to aggregate fields"),
            )
        )
    entries.sort(key=lambda e: e.when)
    return CaseAudit(case, start, end, entries)


# The read log's chain, as the officer's page shows it.


@dataclass
class ChainStatus:
    intact: bool
    result: ChainResult
    last_full: ReadLogCheck | None
    unsealed: int
    broken_read: CaseRead | None = None

    @property
    def problem_label(self) -> _StrOrPromise:
        return ChainProblem(self.result.problem).label if self.result.problem else ""


def chain_status(user: AnyUser) -> ChainStatus:
    """Intact? The last full check, plus a bounded check of what came after the last checkpoint.

    A broken full check stays broken on the page until the log is repaired; reads older than
    the grace period without a seal are counted (only those since the last full check, which
    sealed everything before it, so the count reads a bounded part of the log).
    """
    require_auditor(user)
    last_full = (
        ReadLogCheck.objects.filter(chain=READS, full=True).order_by("-checked_at", "-pk").first()
    )
    result, _checkpoint = verify_from_checkpoint(limit=PAGE_CHECK_LIMIT)
    if last_full is not None and not last_full.intact and result.intact:
        result = ChainResult(
            False,
            0,
            last_full.last_seq,
            bytes(last_full.last_digest),
            last_full.problem,
            last_full.broken_seq,
            last_full.broken_read,
        )
    since = timezone.now() - SEAL_GRACE
    # The indexed time bounds the scan: a full check sealed everything before it.
    start = (
        last_full.checked_at - datetime.timedelta(hours=1)
        if last_full is not None
        else timezone.now() - datetime.timedelta(days=UNSEALED_WINDOW_DAYS)
    )
    # The unsealed reads in the window, each against its MAC (one query): an altered one breaks
    # the log; those older than the grace period are counted.
    waiting = pending_reads().filter(at__gte=start).order_by("pk")
    rows = list(waiting.values_list(*READ_FIELDS_MAC)[:PAGE_CHECK_LIMIT])
    altered = next((row[0] for row in rows if not mac_matches(*row)), None)
    if altered is not None and result.intact:
        result.intact, result.problem = False, ChainProblem.ALTERED
        result.broken_seq, result.broken_read = None, altered
    unsealed = sum(1 for row in rows if row[3] < since)
    broken = None
    if result.broken_read is not None:
        broken = (
            CaseRead.objects.filter(pk=result.broken_read)
            .select_related("user", "case")
            .only("at", "kind", "user__username", "case__reference")
            .first()
        )
    return ChainStatus(result.intact, result, last_full, unsealed, broken)


def case_audit_pdf(audit: CaseAudit, printed_by: User) -> bytes:
    """The secrecy log as PDF: the reference and the log, nothing of the case's content."""
    html = render_to_string(
        "cases/pdf/audit.html",
        {"audit": audit, "printed": timezone.localtime(), "printed_by": printed_by},
    )
    return html_to_pdf(html)


# The full check (nightly task and `manage.py verify_read_log`), reported outside the database.


@dataclass
class CheckOutcome:
    results: dict[str, ChainResult]  # by chain, the read log first
    checks: list[ReadLogCheck]
    sealed: int
    message: str

    @property
    def result(self) -> ChainResult:
        return self.results[READS]

    @property
    def intact(self) -> bool:
        return all(result.intact for result in self.results.values())


LOG_NAMES = {READS: "Read log"}


def register_log_name(chain: str, name: str) -> None:
    LOG_NAMES[chain] = name


def describe(result: ChainResult, chain: str = READS) -> str:
    """The check's result in one paragraph, naming the first broken entry and the checkpoint."""
    name = LOG_NAMES.get(chain, f"The {chain} log")
    if result.intact:
        unsealed = (
            f" {result.unsealed} read(s) not yet sealed match their MAC." if chain == READS else ""
        )
        return (
            f"{name} intact: {result.entries} entries checked, "
            f"chain head at entry {result.last_seq}.{unsealed}"
        )
    read = (
        CaseRead.objects.filter(pk=result.broken_read or 0)
        .values_list("at", "user__username", "case__reference", "kind")
        .first()
        if chain == READS
        else None
    )
    detail = f" ({read[0]:%Y-%m-%d %H:%M:%S}, {read[1]}, {read[2]}, {read[3]})" if read else ""
    row = "read id" if chain == READS else "row id"
    where = (
        f"chain broken at entry {result.broken_seq}"
        if result.broken_seq is not None
        else "broken at an entry not yet sealed"  # its MAC no longer matches
    )
    message = (
        f"{name} {where} ({row} {result.broken_read}){detail}: "
        f"{ChainProblem(result.problem).label}. Entries up to {result.last_seq} are intact."
    )
    anchor = ReadLogCheck.objects.filter(pk=result.checkpoint or 0).first()
    if anchor is not None:
        message += (
            f" Checkpoint {anchor.pk} of {anchor.checked_at:%Y-%m-%d %H:%M:%S} UTC recorded the "
            f"head at entry {anchor.last_seq}, seal {bytes(anchor.last_digest).hex()}."
        )
    return message


def _officers() -> list[str]:
    held = RoleAssignment.objects.active().filter(role__in=roles_with(Capability.READ_ACCESS_LOG))
    emails = User.objects.filter(is_active=True, roles__in=held).exclude(email="")
    return sorted(set(emails.values_list("email", flat=True)))


def report_check(outcome: CheckOutcome) -> None:
    """Log the result and mail it to the data protection officers: a record outside the tables.

    The head (entry and seal) in the mail and the log is what a later check must still find;
    whoever could rewrite the checkpoint table cannot recall the mail.
    """
    heads = "; ".join(
        f"{chain} head {result.last_seq} {result.last_digest.hex()}"
        for chain, result in outcome.results.items()
    )
    if outcome.intact:
        logger.info("read log check: %s (%s)", outcome.message, heads)
    else:
        logger.error("read log check: %s (%s)", outcome.message, heads)
    recipients = _officers()
    if not recipients:
        return
    subject = _("Read log check: intact") if outcome.intact else _("Read log check: BROKEN")
    body = _(
        "The whole read log was checked at %(when)s UTC.\n\n%(message)s\n\n"
        "Chain heads (entry and seal): %(heads)s.\n"
        "Keep this message: a later check must still find these heads in the logs."
    ) % {"when": f"{timezone.now():%Y-%m-%d %H:%M:%S}", "message": outcome.message, "heads": heads}
    EmailMessage(str(subject), body, to=recipients).send(fail_silently=True)


def check_read_log(*, full: bool = True, record: bool = True, seal: bool = True) -> CheckOutcome:
    """Seal leftovers, check the chains (whole, against the last heads; or the read log since
    its checkpoint), keep each result as a checkpoint, report a full check to the officer."""
    sealed = seal_pending() if seal else 0
    if full:
        results = {chain: verify_full(chain) for chain in CHAINS}
    else:  # the incremental check is the read log's (the officer's page)
        results = {READS: check_unsealed(verify_from_checkpoint()[0])}
    checks = (
        [record_check(result, full=full, chain=chain) for chain, result in results.items()]
        if record
        else []
    )
    message = " ".join(describe(result, chain) for chain, result in results.items())
    outcome = CheckOutcome(results, checks, sealed, message)
    if full:
        report_check(outcome)
    return outcome
