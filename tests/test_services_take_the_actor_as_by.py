"""Every service names the person acting `by`, keyword-only.

Read from the services modules' signatures. A service is keyword-only (the style's rule), so a
public function taking keyword-only parameters is one: it names no actor otherwise (user,
performed_by, reporter). No function anywhere in them takes `by` by position. Queries with
positional parameters (`plans_for(user)`, "what this person is offered") are not services.
"""

import importlib
import inspect

import pytest

SERVICES = [
    "cases.services",
    "cases.escalation",
    "cases.followup",
    "councils.services",
    "meetings.services",
    "reminders.services",
    "reports.services",
]
OTHER_ACTOR_NAMES = {"user", "performed_by", "reporter", "actor", "performer", "requested_by"}


def public_services(module_name: str) -> list[tuple[str, inspect.Signature]]:
    module = importlib.import_module(module_name)
    return [
        (name, inspect.signature(function))
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module_name and not name.startswith("_")
    ]


@pytest.mark.parametrize("module_name", SERVICES)
def test_the_actor_is_the_keyword_only_by(module_name):
    wrong = []
    for name, signature in public_services(module_name):
        params = signature.parameters
        keyword_only = [p for p in params.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
        if keyword_only:
            wrong += [f"{name}({p})" for p in params if p in OTHER_ACTOR_NAMES]
        if "by" in params and params["by"].kind is not inspect.Parameter.KEYWORD_ONLY:
            wrong.append(f"{name}(by positional)")
    assert not wrong, f"{module_name}: {wrong}"


def test_the_services_have_actors_to_check():
    takes_by = [
        name
        for module_name in SERVICES
        for name, signature in public_services(module_name)
        if "by" in signature.parameters
    ]
    assert {"case_report", "handover_role", "early_closure_for", "feed_create"} <= set(takes_by)
