"""A fresh database is built from one squashed migration per app, equal to the chain it replaces.

Each app's first migration is `0001_squashed_…`, which `replaces` every older migration of the
app. The old files stay for a database part-way along them; Django runs the squashed one on an
empty database (and records it as applied on one that has all it replaces). Migrations added
later come after it. No database is used: the migrations' states are compared as Django builds
them, not rendered.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

APPS = ["accounts", "councils", "cases", "meetings", "reminders", "reports"]


@pytest.fixture(scope="module")
def squashed() -> MigrationLoader:
    """The graph as an empty database sees it: each squash stands in for what it replaces."""
    return MigrationLoader(None, ignore_no_migrations=True)


@pytest.fixture(scope="module")
def unsquashed() -> MigrationLoader:
    """The graph with the old files in it, as a database part-way along them needs it."""
    return MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)


def _squash(loader: MigrationLoader, app: str):
    found = [m for (label, _), m in loader.disk_migrations.items() if label == app and m.replaces]
    assert len(found) == 1, f"{app}: {len(found)} squashed migrations, expected one"
    return found[0]


def test_every_app_with_models_has_its_migrations_listed_here():
    with_migrations = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
        and (Path(config.path) / "migrations").is_dir()
    }
    assert with_migrations == set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_the_squash_replaces_every_older_migration_of_its_app(squashed, app):
    squash = _squash(squashed, app)
    replaced = {name for label, name in squash.replaces}
    assert {label for label, _ in squash.replaces} == {app}
    on_disk = {name for label, name in squashed.disk_migrations if label == app}
    assert replaced <= on_disk, "a replaced migration's file is gone: keep the old files"
    newer = on_disk - replaced - {squash.name}
    # Anything not replaced is newer than the squash: it comes after it in the graph.
    for name in newer:
        assert (app, squash.name) in squashed.graph.forwards_plan((app, name)), name
    assert max(replaced) < min(newer, default="9999")


@pytest.mark.parametrize("app", APPS)
def test_an_empty_database_starts_each_app_with_its_squash(squashed, app):
    squash = _squash(squashed, app)
    assert squashed.graph.root_nodes(app) == [(app, squash.name)]
    graph = squashed.graph
    plan = {key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)}
    assert not plan & set(squash.replaces), "a replaced migration would run on an empty database"


def _comparable(state):
    """The model's state; `abstract: False` aside (makemigrations writes it for a model made from an
    abstract base, as MinutesVersion became after meetings/0001; it never reaches the database)."""
    if state.options.get("abstract") is False:
        state = state.clone()
        del state.options["abstract"]
    return state


def test_the_squashes_leave_the_state_the_old_migrations_leave(squashed, unsquashed):
    old_ends = [(app, max(name for _, name in _squash(squashed, app).replaces)) for app in APPS]
    new_ends = [(app, _squash(squashed, app).name) for app in APPS]
    old = unsquashed.graph.make_state(old_ends, real_apps=unsquashed.unmigrated_apps)
    new = squashed.graph.make_state(new_ends, real_apps=squashed.unmigrated_apps)
    old_models = {key: _comparable(state) for key, state in old.models.items() if key[0] in APPS}
    new_models = {key: _comparable(state) for key, state in new.models.items() if key[0] in APPS}
    assert sorted(old_models) == sorted(new_models)
    differ = [key for key in old_models if old_models[key] != new_models[key]]
    assert not differ


# Their operations touch the user model: run after every app's models, each re-rendered nearly
# every model in the migration state (seconds of an empty database's migrate).
USER_MODEL_THIRD_PARTY = ["guardian", "otp_static", "otp_totp"]


def test_an_empty_database_migrates_the_third_party_user_model_apps_before_the_projects(squashed):
    graph = squashed.graph
    plan: list[tuple[str, str]] = []
    for leaf in sorted(graph.leaf_nodes()):
        plan += [key for key in graph.forwards_plan(leaf) if key not in plan]
    first_of_ours = min(plan.index(key) for key in plan if key[0] in APPS and key[0] != "accounts")
    theirs = [plan.index(key) for key in plan if key[0] in USER_MODEL_THIRD_PARTY]
    assert len(theirs) == 9
    assert max(theirs) < first_of_ours
