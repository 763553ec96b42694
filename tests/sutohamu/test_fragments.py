"""Versions and keys of the cached page parts (sutohamu.fragments)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template import Context, Template
from django.utils import translation

from sutohamu import fragments
from tests.caching import committed

pytestmark = pytest.mark.django_db

PART = Template(
    '{% load fragments %}{% fragment parts "demo.part" extra %}{{ text }}{% endfragment %}'
)


def rendered(parts: fragments.Page | None, text: str, extra: object = "") -> str:
    return PART.render(Context({"parts": parts, "text": text, "extra": extra}))


def test_a_missing_version_is_made_once_and_read_back_the_same():
    first = fragments.read_versions(["case:X-1"])
    assert first["case:X-1"]
    assert fragments.read_versions(["case:X-1"]) == first


def test_a_bump_lands_when_the_transaction_commits_not_before():
    before = fragments.read_versions(["case:X-2"])
    with committed():
        fragments.bump("case:X-2")
        assert fragments.read_versions(["case:X-2"]) == before
        assert fragments.bumps_pending()
    assert not fragments.bumps_pending()
    assert fragments.read_versions(["case:X-2"]) != before


def test_a_part_is_served_from_the_cache_until_its_version_is_bumped():
    assert rendered(fragments.Page(versions=["case:X-3"], scope="1:"), "first") == "first"
    assert rendered(fragments.Page(versions=["case:X-3"], scope="1:"), "second") == "first"
    with committed():
        fragments.bump("case:X-3")
    assert rendered(fragments.Page(versions=["case:X-3"], scope="1:"), "third") == "third"


def test_a_part_is_never_cached_while_a_bump_waits_for_its_commit():
    parts = fragments.Page(versions=["case:X-4"], scope="1:")
    fragments.bump("case:X-4")  # pending: the test's transaction never commits
    assert rendered(parts, "first") == "first"
    assert rendered(parts, "second") == "second"


def test_parts_named_up_front_are_read_together_and_still_follow_their_version():
    def page() -> fragments.Page:
        return fragments.Page(versions=["case:X-5"], scope="1:", parts=["demo.part", "other"])

    assert rendered(page(), "first") == "first"
    assert rendered(page(), "second") == "first"
    with committed():
        fragments.bump("case:X-5")
    assert rendered(page(), "third") == "third"
    # With an extra value it is another entry, read alone unless named with it.
    assert rendered(page(), "fourth", extra="7") == "fourth"
    assert rendered(page(), "fifth", extra="7") == "fourth"
    named = page()
    named.expect("demo.part", ["7"])
    assert rendered(named, "sixth", extra="7") == "fourth"


def test_without_parts_the_fragment_is_rendered_every_time():
    assert rendered(None, "first") == "first"
    assert rendered(None, "second") == "second"


@pytest.mark.parametrize(
    "other",
    [
        {"scope": "2:"},  # another person
        {"scope": "1:coordinator@7"},  # the same person with another role
        {"language": "en"},
        {"extra": 2},  # another item
        {"today": datetime.date(2030, 1, 1)},
    ],
)
def test_a_part_is_kept_per_person_role_language_item_and_day(other):
    def page(scope: str = "1:", today: datetime.date | None = None) -> fragments.Page:
        parts = fragments.Page(versions=["case:X-5"], scope=scope)
        if today:
            parts.today = today.isoformat()
        return parts

    assert rendered(page(), "mine", extra=1) == "mine"
    with translation.override(other.get("language", translation.get_language())):
        theirs = rendered(
            page(other.get("scope", "1:"), other.get("today")),
            "theirs",
            extra=other.get("extra", 1),
        )
    assert theirs == "theirs"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_part_kept_for_some_seconds_expires_after_them_not_after_the_hour():
    parts = fragments.Page(versions=["case:X-9"], scope="1:")
    Template(
        '{% load fragments %}{% fragment parts "demo.minute" seconds=90 %}a{% endfragment %}'
        '{% fragment parts "demo.hour" %}b{% endfragment %}'
    ).render(Context({"parts": parts}))

    def seconds_left(name: str) -> int:
        key = cache.make_and_validate_key(parts.key(name))
        return int(cache._cache.get_client(key).ttl(key))  # type: ignore[attr-defined]

    assert 0 < seconds_left("demo.minute") <= 90
    assert seconds_left("demo.hour") > 90
