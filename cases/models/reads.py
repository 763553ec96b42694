"""The read log: every time a person opens a case page, timeline, PDF or export.

Tamper evidence: each read is sealed by a `CaseReadSeal` whose digest is SHA-256 over the
previous seal's digest and the read's own fields, so changing, removing or inserting a row in
the middle breaks the chain from that entry on (`verify_chain`).

The request only inserts the read (one statement, no lock): case views never queue behind each
other. The read carries a MAC, HMAC-SHA256 over its own fields with a key the database does not
hold (`READ_LOG_KEY`, by default derived from `SECRET_KEY`). Seals are appended off the request
path by a Celery task (`cases.tasks.seal_reads`): enqueued when a read commits (debounced: at
most one waiting task per database, started `SEAL_DELAY` after the first read it waits for, so
that under load one run seals every read of that second instead of one run per read, each with
its lock, scan and round trips) and run every few seconds by beat, it takes the chain's lock
(an advisory lock on PostgreSQL) and seals every unsealed read with a valid MAC in id order, in
one batch (`seal_pending`). The chain's order is the seal sequence, so a read sealed late simply
comes later in it.

Until its seal, a read is covered by the database and by its MAC: the app's role may only insert
and select (the triggers refuse UPDATE and DELETE to anyone else); a read altered behind the
application's back no longer matches its MAC, is never sealed, and every check reports it
(`verify_unsealed`, part of `verify_read_log`). What the MAC cannot show is a read deleted by the
schema's owner in the seconds before its seal; the grace-period count on the officer's page and
the nightly full check (which seals everything left) bound that window.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ReadKind


class ReadLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a read-log row."""


GENESIS = bytes(32)
READS = "reads"  # the read log's chain, among the chains `verify_read_log` checks
# Any 64-bit number, the same in every installation: the key of the chain's advisory lock.
CHAIN_LOCK_KEY = 0x5354484D_52454144  # "STHMREAD"
VERIFY_BATCH = 5000
# The seal task looks this far back for unsealed reads (the `at` index bounds its scan); the
# nightly full check seals whatever is older.
SEAL_WINDOW = datetime.timedelta(hours=1)
# A queued seal task is forgotten after this long if no worker took it (beat sends another).
SEAL_QUEUED_TIMEOUT = 30
# The enqueued task starts this many seconds after the read that enqueued it: the reads committed
# meanwhile find it waiting and are sealed in the same run. At 30 case views a second, a run per
# read cost the worker 14 ms of CPU per view, competing with the web workers for the cores.
SEAL_DELAY = 1.0

logger = logging.getLogger("sutohamu.readlog")

# The task that seals, set by cases.apps (the task module imports this one).
_seal_task: Callable[[], Any] | None = None


def register_seal_task(enqueue: Callable[[], Any]) -> None:
    global _seal_task
    _seal_task = enqueue


class CaseReadQuerySet(models.QuerySet["CaseRead"]):
    def bulk_create(self, objs: Iterable[CaseRead], *args: Any, **kwargs: Any) -> list[CaseRead]:
        objs = list(objs)
        for read in objs:
            read.mac = read_mac(read.user_id, read.case_id, read.at, read.kind)
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            _seal_after_commit()
        return created


class CaseRead(models.Model):
    """One read of a case by a person; written once and never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="reads"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=16, choices=ReadKind.choices)
    # HMAC of the fields above (`read_mac`): what shows a change before the read is sealed.
    mac = models.BinaryField(max_length=32, default=b"", editable=False)

    objects = CaseReadQuerySet.as_manager()

    class Meta:
        verbose_name = _("case read")
        verbose_name_plural = _("case reads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.case_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ReadLogIsAppendOnly
        self.mac = read_mac(self.user_id, self.case_id, self.at, self.kind)
        super().save(*args, **kwargs)
        _seal_after_commit()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ReadLogIsAppendOnly


class CaseReadSeal(models.Model):
    """A read's place in the chain and its digest; append-only like the read itself."""

    read = models.OneToOneField(
        CaseRead, primary_key=True, on_delete=models.PROTECT, related_name="seal"
    )
    seq = models.PositiveBigIntegerField(unique=True)
    digest = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("read-log seal")
        verbose_name_plural = _("read-log seals")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}: {bytes(self.digest).hex()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ReadLogIsAppendOnly


class ChainProblem(models.TextChoices):
    ALTERED = "altered", _("An entry was changed")
    MISSING = "missing", _("An entry was removed")
    GAP = "gap", _("The sequence has a gap")
    CHECKPOINT = "checkpoint", _("The last checkpoint no longer matches")
    SHORTER = "shorter", _("The log is shorter than the last checkpoint")


class ReadLogCheck(models.Model):
    """One verification of the chain: the checkpoint the next check starts from and holds to.

    Append-only (a trigger, and the app's role may only insert): an intact full check records
    the head (sequence and seal), which every later full check must still find in the log.
    """

    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    # Which chain: the read log ("reads") or another log registered with `register_chain`.
    chain = models.CharField(_("log"), max_length=16, default="reads", db_index=True)
    full = models.BooleanField(_("whole log"), default=True)
    intact = models.BooleanField(_("intact"))
    entries = models.PositiveBigIntegerField(_("entries checked"), default=0)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_digest = models.BinaryField(max_length=32, default=GENESIS)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    broken_read = models.PositiveBigIntegerField(_("first broken entry"), null=True, blank=True)
    problem = models.CharField(
        _("problem"), max_length=16, choices=ChainProblem.choices, blank=True
    )

    class Meta:
        verbose_name = _("read-log check")
        verbose_name_plural = _("read-log checks")
        ordering = ["-checked_at", "-pk"]
        get_latest_by = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.intact else self.problem}"


# The chain.


def canonical(read_id: int, user_id: int, case_id: int, at: datetime.datetime, kind: str) -> bytes:
    """The read's fields as fixed bytes: UTC to the microsecond, so every backend agrees."""
    utc = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{read_id}|{user_id}|{case_id}|{utc}|{kind}".encode()


def chain_digest(previous: bytes, fields: bytes) -> bytes:
    return hashlib.sha256(previous + fields).digest()


READ_FIELDS = ("pk", "user_id", "case_id", "at", "kind")


def _mac_key() -> bytes:
    key = getattr(settings, "READ_LOG_KEY", "") or f"sutohamu.read-log:{settings.SECRET_KEY}"
    return hashlib.sha256(key.encode()).digest()


def read_mac(user_id: int, case_id: int, at: datetime.datetime, kind: str) -> bytes:
    """The read's MAC: its person, case, time (UTC, to the microsecond) and kind, keyed."""
    utc = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return hmac.digest(_mac_key(), f"{user_id}|{case_id}|{utc}|{kind}".encode(), "sha256")


def mac_matches(read_id: int, user_id: int, case_id: int, at: Any, kind: str, mac: Any) -> bool:
    return hmac.compare_digest(bytes(mac or b""), read_mac(user_id, case_id, at, kind))


def _queued_key() -> str:
    return f"sutohamu:read-seal-queued:{connection.settings_dict.get('NAME')}"


def request_seal() -> None:
    """Enqueue the seal task unless one is already waiting (the task clears the mark first)."""
    if _seal_task is None:
        seal_pending()
        return
    if cache.add(_queued_key(), 1, timeout=SEAL_QUEUED_TIMEOUT):
        _seal_task()


def seal_queued_done() -> None:
    """The task has started: a read committed from now on enqueues another."""
    cache.delete(_queued_key())


def _seal_after_commit() -> None:
    transaction.on_commit(request_seal, robust=True)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite has one writer at a time; the unique seq refuses a fork in any case.


READ_FIELDS_MAC = (*READ_FIELDS, "mac")


def seal(read_ids: Iterable[int]) -> int:
    """Append seals for these reads (those still without one and with a valid MAC), in id
    order, under the chain's lock; the count sealed. A read whose MAC fails stays unsealed."""
    with transaction.atomic():
        _lock_chain()
        rows = list(
            CaseRead.objects.filter(pk__in=list(read_ids), seal__isnull=True)
            .order_by("pk")
            .values_list(*READ_FIELDS_MAC)
        )
        return _append_seals(rows)


def _append_seals(rows: Sequence[tuple[Any, ...]]) -> int:
    """Seal these rows (read fields and MAC, in id order); the caller holds the lock."""
    good = []
    for row in rows:
        if mac_matches(*row):
            good.append(row[:-1])
        else:
            logger.error("read log: read %s does not match its MAC; not sealed", row[0])
    if not good:
        return 0
    last = CaseReadSeal.objects.order_by("-seq").values_list("seq", "digest").first()
    seq, previous = (last[0], bytes(last[1])) if last else (0, GENESIS)
    seals = []
    for row in good:
        seq += 1
        previous = chain_digest(previous, canonical(*row))
        seals.append(CaseReadSeal(read_id=row[0], seq=seq, digest=previous))
    CaseReadSeal.objects.bulk_create(seals)
    return len(seals)


def pending_reads() -> models.QuerySet[CaseRead]:
    """Committed reads without a seal (waiting for the task, or refused by their MAC)."""
    return CaseRead.objects.filter(seal__isnull=True)


def seal_pending(batch: int = VERIFY_BATCH, since: datetime.datetime | None = None) -> int:
    """Seal the unsealed reads (those from `since` on; all without it), in id order, each batch
    in one transaction under the chain's lock: one lock, one read, one insert per batch."""
    total, after = 0, 0
    while True:
        with transaction.atomic():
            _lock_chain()
            pending = pending_reads().filter(pk__gt=after)
            if since is not None:
                pending = pending.filter(at__gte=since)
            rows = list(pending.order_by("pk").values_list(*READ_FIELDS_MAC)[:batch])
            if not rows:
                return total
            total += _append_seals(rows)
            after = rows[-1][0]


def verify_unsealed(limit: int | None = None) -> tuple[int, int | None]:
    """Every unsealed read against its MAC, in id order: (reads checked, first altered id)."""
    checked, after = 0, 0
    while limit is None or checked < limit:
        size = VERIFY_BATCH if limit is None else min(VERIFY_BATCH, limit - checked)
        pending = pending_reads().filter(pk__gt=after).order_by("pk")
        rows = list(pending.values_list(*READ_FIELDS_MAC)[:size])
        for row in rows:
            if not mac_matches(*row):
                return checked, row[0]
            checked += 1
        if len(rows) < size:
            break
        after = rows[-1][0]
    return checked, None


@dataclass
class ChainResult:
    intact: bool
    entries: int  # entries checked in this run
    last_seq: int
    last_digest: bytes
    problem: str = ""
    broken_seq: int | None = None
    broken_read: int | None = None
    complete: bool = True  # False when a bounded check stopped before the head
    checkpoint: int | None = None  # the check whose recorded head the log no longer holds
    unsealed: int = 0  # unsealed reads checked against their MAC (the read log only)


def check_unsealed(result: ChainResult, limit: int | None = None) -> ChainResult:
    """An intact chain, and the reads not yet in it unaltered: a read whose MAC fails breaks
    the log (problem "altered", no sequence number: it has no place in the chain yet)."""
    if not result.intact:
        return result
    result.unsealed, altered = verify_unsealed(limit)
    if altered is not None:
        result.intact, result.problem = False, ChainProblem.ALTERED
        result.broken_seq, result.broken_read = None, altered
    return result


def _seal_batches(after: int, limit: int | None) -> Iterator[list[tuple[int, int, bytes]]]:
    done = 0
    while limit is None or done < limit:
        size = VERIFY_BATCH if limit is None else min(VERIFY_BATCH, limit - done)
        batch = [
            (seq, read_id, bytes(digest))
            for seq, read_id, digest in CaseReadSeal.objects.filter(seq__gt=after)
            .order_by("seq")
            .values_list("seq", "read_id", "digest")[:size]
        ]
        if not batch:
            return
        yield batch
        done += len(batch)
        after = batch[-1][0]


def verify_chain(
    after_seq: int = 0, after_digest: bytes = GENESIS, limit: int | None = None
) -> ChainResult:
    """Recompute the chain from a trusted point (the start, or a checkpoint); stop at a break.

    `limit` bounds the work (the officer's page); the command checks everything.
    """
    seq, previous, entries = after_seq, after_digest, 0
    for batch in _seal_batches(after_seq, limit):
        reads = {
            row[0]: row
            for row in CaseRead.objects.filter(pk__in=[r for _, r, _ in batch]).values_list(
                *READ_FIELDS
            )
        }
        for seal_seq, read_id, digest in batch:
            problem = ""
            if seal_seq != seq + 1:
                problem = ChainProblem.GAP
            elif read_id not in reads:
                problem = ChainProblem.MISSING
            elif chain_digest(previous, canonical(*reads[read_id])) != digest:
                problem = ChainProblem.ALTERED
            if problem:
                return ChainResult(False, entries, seq, previous, problem, seal_seq, read_id)
            seq, previous, entries = seal_seq, digest, entries + 1
    complete = limit is None or not CaseReadSeal.objects.filter(seq__gt=seq).exists()
    return ChainResult(True, entries, seq, previous, complete=complete)


def verify_from_checkpoint(limit: int | None = None) -> tuple[ChainResult, ReadLogCheck | None]:
    """Check only what came after the last intact checkpoint (whose own seal must still match).

    The reads not yet sealed are checked by the caller (`check_unsealed`, or the officer's page
    for those in its window)."""
    checkpoint = (
        ReadLogCheck.objects.filter(chain=READS, intact=True).order_by("-last_seq", "-pk").first()
    )
    if checkpoint is None or checkpoint.last_seq == 0:
        return verify_chain(limit=limit), checkpoint
    anchor = CaseReadSeal.objects.filter(seq=checkpoint.last_seq).first()
    if anchor is None or bytes(anchor.digest) != bytes(checkpoint.last_digest):
        result = ChainResult(
            False,
            0,
            checkpoint.last_seq,
            bytes(checkpoint.last_digest),
            ChainProblem.CHECKPOINT,
            checkpoint.last_seq,
            anchor.read_id if anchor else None,
        )
        return result, checkpoint
    return verify_chain(checkpoint.last_seq, bytes(checkpoint.last_digest), limit), checkpoint


@dataclass(frozen=True)
class Chain:
    """A hash-chained log: how to check it whole, and which seal it holds at an entry."""

    name: str
    verify: Callable[[], ChainResult]
    seal_at: Callable[[int], tuple[int | None, bytes] | None]  # (row id, seal) or None


def _read_seal_at(seq: int) -> tuple[int | None, bytes] | None:
    head = CaseReadSeal.objects.filter(seq=seq).values_list("read_id", "digest").first()
    return (head[0], bytes(head[1])) if head else None


CHAINS: dict[str, Chain] = {READS: Chain(READS, verify_chain, _read_seal_at)}


def register_chain(name: str, verify: Callable[[], ChainResult], seal_at: Callable) -> None:
    """Another append-only log with a chain of its own, checked and anchored with the reads."""
    CHAINS[name] = Chain(name, verify, seal_at)


def last_anchor(chain: str = READS) -> ReadLogCheck | None:
    """The last intact full check that saw entries: the head a full check must still find."""
    return (
        ReadLogCheck.objects.filter(chain=chain, full=True, intact=True, last_seq__gt=0)
        .order_by("-checked_at", "-pk")
        .first()
    )


def verify_full(chain: str = READS) -> ChainResult:
    """The whole chain, and the last full check's head still in it.

    The chain alone proves nothing about its end: a log cut after its last entry, emptied or
    replaced by a freshly computed chain is consistent in itself. The recorded head is kept
    apart from the log (a checkpoint the app cannot change, and the mail to the data protection
    officer), so it shows what went: a log ending before it (cut or emptied) or holding another
    seal at its place (replaced).
    """
    log = CHAINS[chain]
    result = log.verify()
    anchor = last_anchor(chain)
    if not result.intact or anchor is None:
        return check_unsealed(result) if chain == READS else result
    if result.last_seq < anchor.last_seq:
        result.intact, result.problem = False, ChainProblem.SHORTER
        result.broken_seq, result.checkpoint = result.last_seq + 1, anchor.pk
        return result
    head = log.seal_at(anchor.last_seq)
    if head is None or head[1] != bytes(anchor.last_digest):
        result.intact, result.problem = False, ChainProblem.CHECKPOINT
        result.broken_seq, result.checkpoint = anchor.last_seq, anchor.pk
        result.broken_read = head[0] if head else None
        # Nothing before the head is known good: a replaced log is consistent in itself.
        result.last_seq, result.last_digest = 0, GENESIS
    return check_unsealed(result) if chain == READS else result


def record_check(result: ChainResult, *, full: bool, chain: str = READS) -> ReadLogCheck:
    return ReadLogCheck.objects.create(
        chain=chain,
        full=full,
        intact=result.intact,
        entries=result.entries,
        last_seq=result.last_seq,
        last_digest=result.last_digest,
        broken_seq=result.broken_seq,
        broken_read=result.broken_read,
        problem=result.problem,
    )
