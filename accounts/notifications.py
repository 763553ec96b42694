"""In-app notifications: one function that sends them, one rule for which ones a person sees.

A notification stores a kind and its parameters, not a finished sentence, so it is rendered in
the reader's language when it is read. It may point at a thing (a case, an escalation, a meeting):
it is shown only while the person can still reach that thing, so a closed escalation part or a
case handed over to someone else leaves no notification that leads to a 404.

Apps above the foundation register, in their `AppConfig.ready()`:
- each kind: `register_kind("cases.new_case", gettext_lazy("New case %(reference)s is yours"))`;
- each kind of target: `register_target(Case, reachable=lambda user: <queryset of what the
  person can open>, live=lambda user: <what is still worth showing under "New for you">)`;
- a group of kinds the list can be filtered to, with its own settings page:
  `register_group("paminnelser", gettext_lazy("Reminders"), kinds, "reminders:preferences")`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language, override

from sutohamu import statements
from sutohamu.kept import Kept

from .capabilities import fragment_scope
from .models import (
    NOTIFICATION_KINDS,
    NOTIFICATION_TARGETS,
    Notification,
    NotificationQuerySet,
    UnreadCount,
    User,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .capabilities import AnyUser

# A rule: the person -> a queryset of the target model (only its primary keys are used).
Reach = Callable[["AnyUser"], QuerySet[Any]]

_reachable: dict[str, Reach] = {}
_live: dict[str, Reach] = {}


@dataclass(frozen=True)
class Group:
    """Kinds of notification listed together (`?visa=<key>`), and where they are set up."""

    label: StrOrPromise
    kinds: frozenset[str]
    settings_url_name: str


GROUPS: dict[str, Group] = {}


def register_group(
    key: str, label: StrOrPromise, kinds: Iterable[str], settings_url_name: str
) -> None:
    """A filter of the notification list (the menu links to it), e.g. the reminders."""
    GROUPS[key] = Group(label, frozenset(kinds), settings_url_name)


class UnknownNotification(ValueError):
    """A kind or target that no app registered: a programming error, caught by tests."""


def register_kind(key: str, message: StrOrPromise) -> None:
    """A kind of notification and its message (a lazy translation with %(name)s parameters)."""
    NOTIFICATION_KINDS[key] = message


def register_target(
    model: type[models.Model], *, reachable: Reach, live: Reach | None = None
) -> None:
    """What of `model` a person can still reach; `live` narrows it for "New for you"."""
    label = model._meta.label_lower
    NOTIFICATION_TARGETS[label] = label
    _reachable[label] = reachable
    _live[label] = live or reachable


def build(
    user: User | int,
    kind: str,
    *,
    link: str = "",
    params: Mapping[str, object] | None = None,
    target: models.Model | None = None,
) -> Notification:
    """An unsaved notification (for bulk_create); `notify` saves one."""
    if kind not in NOTIFICATION_KINDS:
        raise UnknownNotification(f"Unregistered notification kind {kind!r}")
    label = target._meta.label_lower if target is not None else ""
    if label and label not in _reachable:
        raise UnknownNotification(f"Unregistered notification target {label!r}")
    values = {str(k): str(v) for k, v in (params or {}).items()}
    if get_language() == settings.LANGUAGE_CODE:
        text = (str(NOTIFICATION_KINDS[kind]) % values)[:200]
    else:
        with override(settings.LANGUAGE_CODE):
            text = (str(NOTIFICATION_KINDS[kind]) % values)[:200]
    note = Notification(
        kind=kind,
        params=values,
        link=link[:200],
        text=text,
        target_type=label,
        target_id=target.pk if target is not None else None,
    )
    if isinstance(user, int):
        note.user_id = user
    else:
        note.user = user
    return note


def notify(
    user: User | int,
    kind: str,
    *,
    link: str = "",
    params: Mapping[str, object] | None = None,
    target: models.Model | None = None,
) -> Notification:
    """Tell one person something inside the app; rendered in their language when they read it.

    Never put case text in `params`: a reference, a date, an organisation's name at most.
    """
    note = build(user, kind, link=link, params=params, target=target)
    note.save()  # with the stored unread count (Notification.save)
    if not isinstance(user, int):
        forget_unread(user)
    return note


def visible_to(
    user: AnyUser, *, live: bool = False, kinds: Iterable[str] | None = None
) -> NotificationQuerySet:
    """The person's notifications about nothing in particular or about what they can still reach.

    One query, whatever the number of kinds of targets: each rule is a subquery, kept as SQL per
    person, roles and day (`_compiled`), so the list, the check behind a click and the bell pay
    the query, not the building of the rules. `kinds` limits the rules to those target types.
    """
    if not user.is_authenticated:
        return Notification.objects.none()
    rules = _live if live else _reachable
    labels = set(rules) if kinds is None else set(kinds) & set(rules)
    compiled = _compiled(user, frozenset(labels), live=live, shape="ids")
    if compiled is None:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk, pk__in=RawSQL(*compiled))


def _built(user: AnyUser, *, live: bool, labels: Iterable[str]) -> NotificationQuerySet:
    """The rules built by the ORM: what `_compiled` turns into SQL once per key."""
    if not user.is_authenticated:
        return Notification.objects.none()
    rules = _live if live else _reachable
    shown = Q(target_type="")
    for label in sorted(labels):
        # EXISTS per notification row, not IN (the whole reachable set): a person has a few
        # dozen notifications, and the set of cases they reach is a municipality's thousands.
        reachable = rules[label](user).filter(pk=OuterRef("target_id"))
        shown |= Q(Exists(reachable), target_type=label)
    return Notification.objects.filter(shown, user_id=user.pk)


def can_reach(user: AnyUser, note: Notification) -> bool:
    """Whether the notification still leads somewhere the person may open."""
    return visible_to(user).filter(pk=note.pk).exists()


# The stored counts, read once per person object (one request's `request.user`): the bell and
# the start page's list share them. The services below forget them when they change the counts.
_MEMO = "_unread_per_kind_memo"
_UNREAD_SQL = (
    f"SELECT target_type, n FROM {UnreadCount._meta.db_table} WHERE user_id = %s AND n > 0"
)


def _unread_per_kind(user: User) -> dict[str, int]:
    """Unread notifications per kind of target, as stored (`UnreadCount`): one indexed read."""
    memo: dict[str, int] | None = getattr(user, _MEMO, None)
    if memo is None:
        # A plain statement: it runs on every signed-in page, and the ORM's building of this
        # one-table filter cost more than the query (about 0.3 ms of 0.45).
        with connections[UnreadCount.objects.db].cursor() as cursor:
            cursor.execute(_UNREAD_SQL, [user.pk])
            memo = {target_type: n for target_type, n in cursor.fetchall()}
        setattr(user, _MEMO, memo)
    return memo


def forget_unread(user: AnyUser) -> None:
    """Drop the person object's copy of the counts (after a change in the same request)."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


# The reachability rules compiled to SQL, kept per process: building them (querysets with a
# subquery per kind of target, compiled by the ORM) cost about 12 ms of Python per page, running
# them well under one. See `_compiled`.
_COMPILED: Kept[tuple[str, tuple[Any, ...]] | None] = Kept(2048)
_NEWEST = 10  # the start page's "New for you"


def _compiled(
    user: AnyUser, kinds: frozenset[str], *, live: bool, shape: str
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL (and its parameters) of the person's unread reachable notifications, built once
    per person, active roles, day, kinds and rules; None when it can match nothing.

    Why this and not a cached count: the figure stays exact with nothing to invalidate. The
    statement runs on every page against the live rows, so an escalation closed or answered, a
    case handed over, a meeting cancelled or a notification made or read shows at once, in every
    process, with no service having to announce it. What is kept is only the translation of the
    rules into SQL, and that is a pure function of the key: every rule reads the person's id,
    their active roles (`fragment_scope`: id + role@organisation) and the day (roles and
    memberships in force), and puts everything else (escalations, grants, memberships, the
    targets' states) into the statement itself. A rule must build without reading rows
    (tests/accounts/test_bell_exact.py checks that building every registered rule runs no
    query). A role added or ended changes the scope, the day changes with the date, and a rule
    registered anew is part of the key (the function object), so each makes a new entry.
    Repeated, the statement is prepared by PostgreSQL (server-side binding, settings.py).
    """
    rules = _live if live else _reachable
    labels = tuple(sorted(kinds & set(rules)))
    key = (
        shape,
        live,
        fragment_scope(user),
        timezone.localdate(),
        labels,
        tuple(rules[label] for label in labels),
    )
    return _COMPILED.get(key, lambda: _compile(user, labels, live=live, shape=shape))


def _compile(
    user: AnyUser, labels: tuple[str, ...], *, live: bool, shape: str
) -> tuple[str, tuple[Any, ...]] | None:
    rows = _built(user, live=live, labels=labels)
    query: QuerySet[Any, Any]
    if shape == "ids":
        query = rows.values("pk").order_by()
    elif shape == "count":
        query = rows.unread().values("pk").order_by()
    else:
        raise ValueError(f"No shape {shape!r}")
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:
        return None
    if shape == "count":
        sql = f"SELECT COUNT(*) FROM ({sql}) AS reachable_unread"
    return (sql, tuple(params))


def unread_count(user: AnyUser) -> int:
    """The bell's figure, on every page: the stored counts (one indexed read, shared with the
    start page's list), and a count of the reachable ones only for targeted notifications.

    Most people have nothing unread that points at a case or an escalation, and then the
    reachability rules are neither built nor run; the others run the rules' statement, built
    once per person and roles (`_compiled`), so a page pays the query, not the ORM.
    """
    if not user.is_authenticated:
        return 0
    per_kind = _unread_per_kind(user)
    targeted = frozenset(kind for kind in per_kind if kind)
    if not targeted:
        return per_kind.get("", 0)
    compiled = _compiled(user, targeted, live=False, shape="count")
    if compiled is None:
        return 0
    with connections[Notification.objects.db].cursor() as cursor:
        cursor.execute(*compiled)
        return int(cursor.fetchone()[0])


def newest_unread(user: AnyUser) -> list[Notification]:
    """The start page's "New for you": the ten newest unread notifications about nothing or
    about something still open to the person, through the same rules as the bell."""
    return statements.run(newest_unread_plan(user))


_FIELDS = tuple(f.attname for f in Notification._meta.concrete_fields)


def newest_unread_plan(user: AnyUser) -> statements.Plan[list[Notification]]:
    """`newest_unread` as a plan (sutohamu.statements): the start page runs its statement with
    the panels'. Compiled once per person, roles, day and rules, like the bell's (`_compiled`)."""
    if not user.is_authenticated:
        return []
    kinds = frozenset(kind for kind in _unread_per_kind(user) if kind)
    labels = tuple(sorted(kinds & set(_live)))

    def build(now: Any) -> QuerySet[Any, Any]:
        rows = _built(user, live=True, labels=labels).unread()
        return rows.order_by("-created_at", "-pk").values(*_FIELDS)[:_NEWEST]

    key = (
        "accounts.newest_unread",
        fragment_scope(user),
        timezone.localdate(),
        labels,
        tuple(_live[label] for label in labels),
    )
    statement = statements.compiled(key, build)
    if statement is None:
        return []
    (rows,) = yield [statements.Ask(statement)]
    db = statement.using
    return [Notification.from_db(db, _FIELDS, [row[f] for f in _FIELDS]) for row in rows]


def mark_read(user: AnyUser, note: Notification) -> None:
    """One of the person's notifications read (and the stored count with it)."""
    note.mark_read()
    forget_unread(user)


def mark_all_read(user: AnyUser) -> int:
    """Everything the person has, reachable or not, so nothing hidden pops up unread later.

    The person's count rows are locked first: a notification made meanwhile is either marked
    read here or counted after this commits, never lost from the count.
    """
    if not user.is_authenticated:
        return 0
    forget_unread(user)
    with transaction.atomic():
        list(UnreadCount.objects.select_for_update().filter(user_id=user.pk).values_list("pk"))
        done = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        UnreadCount.objects.filter(user_id=user.pk).exclude(n=0).update(n=0)
    return done


def recount(user_ids: Iterable[int] | None = None) -> None:
    """The stored counts made again from the notifications (after rows were removed in bulk,
    e.g. a benchmark's clean-up): for these people, or everyone."""
    with transaction.atomic():
        counts = UnreadCount.objects.all()
        unread = Notification.objects.filter(read_at__isnull=True)
        if user_ids is not None:
            ids = list(user_ids)
            counts, unread = counts.filter(user_id__in=ids), unread.filter(user_id__in=ids)
        counts.delete()
        rows = unread.values_list("user_id", "target_type").annotate(n=models.Count("pk"))
        UnreadCount.objects.bulk_create(
            UnreadCount(user_id=user_id, target_type=target_type, n=n)
            for user_id, target_type, n in rows.order_by()
        )
