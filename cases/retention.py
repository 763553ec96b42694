"""Retention (gallring): closed cases older than RETENTION_MONTHS keep only their aggregate fields.

What stays: the reference, municipality, areas, setting, status, dates, owner and reporter,
status changes (without their reasons), measures (kind, responsible organisation, status and
dates) and escalations (receiver, kind, status and dates), so reports still count the case. What
goes: every free-text field of the case and its parts is replaced by `REDACTED` (an empty one
stays empty)
in the rows and in their history rows, and the pseudonyms, consents and notes with their whole
history. Each reduced case gets a `RetentionRecord` with the counts, never the content.

The parts are found from the models, not listed by hand: every model of this app that points at
a case (or at something that does) and has guarded free-text fields is emptied, so a part added
later is covered; `DELETED` names the parts removed outright. No app above cases holds case
content (meetings' records name a case by reference and codes only), so there is no registry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, QuerySet, Value
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_model_for_model

from accounts.models import User
from sutohamu.fields import GuardedCharField, GuardedTextField

from .choices import CaseStatus
from .models import Case, Consent, Note, RetentionRecord, Subject, Transition
from .versions import cases_changed, desks_changed

# What a required free-text field holds once reduced (stored data, in the data's language).
REDACTED = "[gallrat]"
# Cases reduced per statement batch (apply_retention): well under PostgreSQL's 65,535 parameters.
RETENTION_BATCH = 5000
DELETED: tuple[type[models.Model], ...] = (Consent, Note, Subject)  # consents first: PROTECT


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The same day RETENTION_MONTHS earlier (the month's last day if shorter)."""
    return (now or timezone.now()) - relativedelta(months=settings.RETENTION_MONTHS)


def due_cases(now: datetime.datetime | None = None) -> QuerySet[Case]:
    """Closed before the cut-off and not reduced yet."""
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        status_changed_at__lt=cutoff(now),
        retention__isnull=True,
    ).order_by("status_changed_at", "pk")


@dataclass
class Part:
    """A model under a case: how to reach the case, and its free-text fields."""

    model: type[models.Model]
    case_path: str
    free_text: list[models.Field] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _free_text(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (GuardedCharField, GuardedTextField)) and not f.primary_key
    ]


def _path_to_case(model: type[models.Model], depth: int = 2) -> str | None:
    """`case`, or `escalation__case`: the first foreign-key path from the model to a case."""
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.ForeignKey):
            continue
        target = f.related_model
        if target is Case:
            return f.name
        if depth > 1 and isinstance(target, type) and target._meta.app_label == "cases":
            rest = _path_to_case(target, depth - 1)
            if rest is not None:
                return f"{f.name}__{rest}"
    return None


def parts() -> list[Part]:
    """Every model of the cases app under a case (history models and read logs aside)."""
    found = [Part(Case, "pk", _free_text(Case))]
    for model in apps.get_app_config("cases").get_models():
        if issubclass(model, HistoricalChanges) or model._meta.auto_created or model is Case:
            continue
        path = _path_to_case(model)
        if path is None:
            continue
        found.append(Part(model, path, _free_text(model)))
    return found


def _history(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _emptied(part: Part) -> dict[str, models.Expression]:
    """Text becomes REDACTED, empty stays empty: required fields and constraints hold."""
    return {
        f.attname: models.Case(
            models.When(**{f.attname: ""}, then=Value("")),
            default=Value(REDACTED),
            output_field=f,
        )
        for f in part.free_text
    }


def _history_rows(part: Part, case_ids: list[int]) -> QuerySet | None:
    """The history rows of the part's rows: history models keep the foreign keys as they were."""
    history = _history(part.model)
    if history is None:
        return None
    key = "id" if part.model is Case else part.case_path
    return history._default_manager.filter(**{f"{key}__in": case_ids})


def reduce(cases: QuerySet[Case], *, by: User | None = None) -> dict[str, int]:
    """Reduce these cases now; the totals per kind of row. Call inside a transaction."""
    case_ids, references = [], []
    for pk, reference in cases.values_list("pk", "reference"):
        case_ids.append(pk)
        references.append(reference)
    cases_changed(references, listed=True)  # the queues list the cases' titles
    desks_changed()  # the desks' consent panel shows pseudonyms
    per_case: dict[int, dict[str, int]] = {pk: {} for pk in case_ids}
    totals: dict[str, int] = {}

    def count(key: str, rows: QuerySet, case_key: str) -> None:
        for case_id, n in rows.values_list(case_key).annotate(n=models.Count("pk")).order_by():
            if n:
                per_case[case_id][key] = per_case[case_id].get(key, 0) + n
                totals[key] = totals.get(key, 0) + n

    all_parts = parts()
    deleted = [p for model in DELETED for p in all_parts if p.model is model]
    for part in deleted:
        rows = part.model._default_manager.filter(**{f"{part.case_path}__in": case_ids})
        count(f"{part.label}.deleted", rows, part.case_path)
        rows.delete()
    for part in deleted:
        history_rows = _history_rows(part, case_ids)
        if history_rows is not None:
            count(f"{part.label}.history_deleted", history_rows, part.case_path)
            history_rows.delete()

    for part in all_parts:
        if part in deleted or not part.free_text:
            continue
        rows = part.model._default_manager.filter(**{f"{part.case_path}__in": case_ids})
        count(f"{part.label}.emptied", rows, "pk" if part.model is Case else part.case_path)
        values: dict[str, object] = dict(_emptied(part))
        if part.model is Case:
            values["version"] = F("version") + 1  # an edit form still open gets 409
        if part.model is Transition:
            rows.exclude(reason="").update(reason="")  # the only change its trigger allows
        else:
            rows.update(**values)
        history_rows = _history_rows(part, case_ids)
        if history_rows is not None:
            key = "id" if part.model is Case else part.case_path
            count(f"{part.label}.history_emptied", history_rows, key)
            history_rows.update(**_emptied(part), history_change_reason=None)

    closed = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "status_changed_at"))
    RetentionRecord.objects.bulk_create(
        RetentionRecord(
            case_id=pk,
            closed_at=closed[pk],
            months=settings.RETENTION_MONTHS,
            counts=per_case[pk],
            by=by,
        )
        for pk in case_ids
    )
    totals["cases"] = len(case_ids)
    return totals


@dataclass
class RetentionRun:
    references: list[str]
    totals: dict[str, int]
    dry_run: bool


def apply_retention(
    *,
    dry_run: bool = False,
    by: User | None = None,
    now: datetime.datetime | None = None,
    batch: int = RETENTION_BATCH,
) -> RetentionRun:
    """Reduce every case due; a dry run does the same work and rolls it back (exact counts).

    In batches of cases: PostgreSQL takes at most 65,535 parameters in a statement, and the
    first run over a country's years can find more cases due than that. One transaction still
    holds the whole run, so it is all or nothing."""
    with transaction.atomic():
        due = due_cases(now).select_for_update(of=("self",))
        references = list(due.values_list("reference", flat=True))
        totals: dict[str, int] = {"cases": 0}
        for start in range(0, len(references), batch):
            part = Case.objects.filter(reference__in=references[start : start + batch])
            for kind, count in reduce(part, by=by).items():
                totals[kind] = totals.get(kind, 0) + count
        if dry_run:
            transaction.set_rollback(True)
    return RetentionRun(references, totals, dry_run)
