"""Views, tasks, selectors and template tags fetch scoped rows only through the access helpers
(each app's access.py): a module that reaches such a model's manager fails this test.

A model is scoped when its manager says who may see it (`visible_to`). A model that hangs under a
scoped one (a ForeignKey or one-to-one chain up to it: a case's notes, measures, follow-up plan
and its contact log, an escalation's proposals, a meeting's case lines, a report's figures) is
as private as what it hangs under, so its manager is closed to those modules too. Both lists are
read from the models, not kept by hand, so a new model is covered the day it is added. Like
Zulip's lint rule against fetching streams outside `access_stream_by_*`: the door is enforced,
not remembered. Related managers of an object that came through the door (case.notes) are
allowed; they cannot reach another case.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "cases", "councils", "meetings", "reminders", "reports"]
MODULES = ["views", "tasks", "selectors", "templatetags"]
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "_default_manager", "_base_manager", "history"}


def project_models() -> list[type[models.Model]]:
    return [model for app in APPS for model in apps.get_app_config(app).get_models()]


def scoped_models() -> set[str]:
    """Every model of the project whose manager (its queryset) defines visible_to."""
    return {
        model.__name__
        for model in project_models()
        if hasattr(model._default_manager, "visible_to")
    }


def _parents(model: type[models.Model]) -> list[type[models.Model]]:
    """The models this one points up to through a ForeignKey or one-to-one field of its own."""
    return [
        field.related_model
        for field in model._meta.get_fields()
        if field.concrete
        and (field.many_to_one or field.one_to_one)
        and isinstance(field.related_model, type)
    ]


def models_under_scoped() -> dict[str, str]:
    """Model name -> its chain up to a scoped model ("CaseReadSeal → CaseRead → Case").

    Followed to a fixed point, so a row two or three links below a case is found as well. The
    history tables (django-simple-history) are left out: no module here names them, and they are
    read through `sutohamu.history.change_log` of an object that came through the door.
    """
    scoped = scoped_models()
    chains: dict[str, str] = {}
    candidates = [
        model
        for model in project_models()
        if model.__name__ not in scoped and not model.__name__.startswith("Historical")
    ]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model.__name__ in chains:
                continue
            for parent in _parents(model):
                name = parent.__name__
                if name in scoped or name in chains:
                    chains[model.__name__] = f"{model.__name__} → {chains.get(name, name)}"
                    changed = True
                    break
    return chains


def guarded_models() -> set[str]:
    """The scoped models and every model under one: the door's whole side of the house."""
    return scoped_models() | set(models_under_scoped())


def checked_files() -> list[Path]:
    files = []
    for app in APPS:
        for module in MODULES:
            files += sorted((ROOT / app).glob(f"{module}.py"))
            files += sorted((ROOT / app / module).glob("*.py"))
    return files


def violations(source: str, guarded: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in guarded
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in guarded
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id}, …)"))
    return found


def test_the_scoped_models_are_found_by_their_queryset():
    scoped = scoped_models()
    # One of each app that keeps rows not for everyone, found without a list.
    assert {"Case", "Escalation", "Body", "Medskick", "Meeting", "Decision"} <= scoped
    assert "Organisation" not in scoped


def test_the_models_under_a_scoped_model_are_found_by_their_foreign_keys():
    under = models_under_scoped()
    # The old hand-kept list's parts of a case, and what hangs under escalations and meetings.
    assert {
        "Subject",
        "Note",
        "Measure",
        "Transition",
        "FollowUpPlan",
        "Contact",
        "Commitment",
        "ProposedMeasure",
    } <= set(under)
    assert under["FollowUpPlan"] == "FollowUpPlan → Case"
    assert under["CaseReadSeal"] == "CaseReadSeal → CaseRead → Case"
    assert {"AgendaItem", "SituationReport", "PromiseActivity"} <= set(under)
    # Rows of no one's case stay outside: the organisations, the people, their roles.
    assert not {"Organisation", "User", "RoleAssignment"} & set(under)


def test_there_are_files_of_every_app_to_check():
    files = checked_files()
    assert {path.relative_to(ROOT).parts[0] for path in files} == set(APPS)
    assert ROOT / "cases" / "templatetags" / "followup.py" in files


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_tasks_selectors_and_tags_use_the_access_helpers(path):
    found = violations(path.read_text(), guarded_models())
    assert not found, f"{path.relative_to(ROOT)} reaches guarded models directly: {found}"


def test_the_check_catches_a_direct_fetch():
    bad = "def v(request, pk):\n    return get_object_or_404(Case, pk=pk), Escalation.objects.all()"
    assert sorted(what for _line, what in violations(bad, guarded_models())) == [
        "Escalation.objects",
        "get_object_or_404(Case, …)",
    ]


def test_the_check_catches_a_planted_breach_of_a_model_under_a_case(tmp_path):
    """A view module written to disk that fetches a case's follow-up plan and a contact by
    themselves, as the cadence view once did, is found, line by line; the door helper is not."""
    planted = tmp_path / "views.py"
    planted.write_text(
        "from cases.access import case_for, followup_plan_of\n"
        "from cases.models import Contact, FollowUpPlan\n"
        "\n"
        "def cadence(request, reference):\n"
        "    case = case_for(request.user, reference)\n"
        "    plan = FollowUpPlan.objects.filter(case=case).first()\n"
        "    last = get_object_or_404(Contact, pk=1)\n"
        "    return followup_plan_of(case), plan, last\n"
    )
    assert sorted(violations(planted.read_text(), guarded_models())) == [
        (6, "FollowUpPlan.objects"),
        (7, "get_object_or_404(Contact, …)"),
    ]
