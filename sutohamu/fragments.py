"""Rendered page parts cached under the versions of what they show.

A version is a random token in Django's cache (Redis when REDIS_URL is set, so every process
sees the same one), named after what it covers (`case:SUN-2026-0001`, `meeting:12`). A write
service names the versions its change makes stale (`bump`); the new tokens are stored when its
transaction commits, so no process can see a new token before the rows it stands for.

A page reads its versions first (`Page`), before it reads any row: a fragment rendered from rows
older than a token can then only be stored under the older token, which nobody asks for again once
the bump lands. A fragment's key is its name, the page's tokens, the person's scope (their id and
active roles: two people never share an entry), the language and the date (overdue marks, expired
consents and ended roles follow the calendar). Entries expire after `FRAGMENT_SECONDS`, which also
bounds what a change no service announces (an organisation renamed in the admin) can leave stale.
The key also holds a digest of the project's templates (`templates_digest`), so that a release
that changes how a part looks never serves the parts the previous release stored.

The foundation layer: it knows no app; the apps name their versions and call `bump`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation

FRAGMENT_SECONDS = 3600
# What the parts keyed by the minute (the time waited, worded) are kept: they are not asked for
# after their minute, and an hour of them would fill the cache with dead entries.
MINUTE_SECONDS = 120
# A version that nobody bumps or reads for a day is dropped (a new token: only misses follow), so
# versions named from a URL (a mistyped reference) do not pile up.
VERSION_SECONDS = 86400
VERSION_PREFIX = "fragment-version"
FRAGMENT_PREFIX = "fragment"


def _namespace() -> str:
    # Two databases on one Redis (the test workers' clones) never share a version or a fragment;
    # FRAGMENTS_NAMESPACE lets the tests start each test afresh.
    return f"{connection.settings_dict['NAME']}:{getattr(settings, 'FRAGMENTS_NAMESPACE', '')}"


@functools.cache
def templates_digest() -> str:
    """A digest of the project's own template files (names and contents), read once per process:
    the same in every process of one release, another after a template changes."""
    digest = hashlib.sha256()
    folders = settings.TEMPLATES[0].get("DIRS", [])
    for folder in folders if isinstance(folders, list | tuple) else []:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shared_key(name: str, *parts: object) -> str:
    """A cache key for a value every process may share, in this installation's namespace and
    under the templates' digest (a release that changes a template never serves the old)."""
    digest = hashlib.sha256(
        "\x1f".join([templates_digest(), *(str(p) for p in parts)]).encode()
    ).hexdigest()
    return f"{FRAGMENT_PREFIX}:{_namespace()}:{name}:{digest}"


def version_key(name: str) -> str:
    return f"{VERSION_PREFIX}:{_namespace()}:{name}"


class _Bump:
    """The on-commit step of `bump`: new tokens for the named versions."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def __call__(self) -> None:
        tokens = {version_key(n): secrets.token_hex(8) for n in self.names}
        cache.set_many(tokens, timeout=VERSION_SECONDS)


def bump(*names: str) -> None:
    """Make the fragments that show `names` stale, when the current transaction commits."""
    if names:
        # robust: the rows are committed already; a cache that is down must not turn the saved
        # change into an error page (its fragments then expire within FRAGMENT_SECONDS).
        transaction.on_commit(_Bump(tuple(dict.fromkeys(names))), robust=True)


def bumps_pending() -> bool:
    """True while this connection's transaction holds a change whose bump has not landed: a
    fragment rendered now would show uncommitted rows under the old token, so none is cached."""
    # Entries are (savepoint ids, callable, robust); the stubs know only the first two.
    return any(isinstance(entry[1], _Bump) for entry in connection.run_on_commit)


def read_versions(names: Iterable[str]) -> dict[str, str]:
    """The current token of each name, one round trip when all exist (a missing one is made)."""
    keys = {version_key(n): n for n in names}
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    for key in missing:
        token = secrets.token_hex(8)
        if cache.add(key, token, timeout=VERSION_SECONDS):
            found[key] = token  # ours: no need to read it back
    lost = [k for k in missing if k not in found]  # another process made it first: theirs
    if lost:
        found.update(cache.get_many(lost))
    return {keys[k]: str(found.get(k, "")) for k in keys}


class Page:
    """One request's view of its fragments: the versions (read now, before any row), the person's
    scope, and the date. Templates render parts through it with `{% fragment page "name" %}`.

    `parts` names the parts the page is known to render (a name, or a name and its extra
    values; `expect` adds more once the rows that name them are read): they are read from the
    cache in one round trip at the first part, instead of one each."""

    def __init__(
        self,
        *,
        versions: Iterable[str],
        scope: str,
        parts: Iterable[str | tuple[str, Iterable[object]]] = (),
    ) -> None:
        self.versions = read_versions(versions)
        self.scope = scope
        self.today = timezone.localdate().isoformat()
        self.parts: list[tuple[str, tuple[object, ...]]] = []
        for part in parts:
            if isinstance(part, str):
                self.expect(part)
            else:
                self.expect(part[0], part[1])
        self._fetched: dict[str, object] | None = None

    def expect(self, name: str, extra: Iterable[object] = ()) -> None:
        """A part the page will render, read with the others at the first part."""
        self.parts.append((name, tuple(extra)))

    def _cached(self, key: str) -> object:
        if self._fetched is None:
            keys = [self.key(name, extra) for name, extra in self.parts]
            self._fetched = dict.fromkeys(keys)
            if keys:
                self._fetched.update(cache.get_many(keys))
        if key in self._fetched:
            return self._fetched.pop(key)  # once: a part rendered twice reads anew
        return cache.get(key)

    def key(self, name: str, extra: Iterable[object] = ()) -> str:
        parts = [
            name,
            templates_digest(),
            *(f"{n}={t}" for n, t in sorted(self.versions.items())),
            self.scope,
            translation.get_language() or "",
            self.today,
            *(str(e) for e in extra),
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return f"{FRAGMENT_PREFIX}:{_namespace()}:{name}:{digest}"

    def render(
        self,
        name: str,
        render: Callable[[], str],
        extra: Iterable[object] = (),
        *,
        seconds: int | None = None,
    ) -> str:
        """The cached text of the fragment, or `render()` stored for the next reader (for
        `seconds`, by default `FRAGMENT_SECONDS`)."""
        if bumps_pending():
            return render()
        key = self.key(name, extra)
        text = self._cached(key)
        if text is None:
            text = render()
            cache.set(key, text, timeout=seconds or FRAGMENT_SECONDS)
        return str(text)
