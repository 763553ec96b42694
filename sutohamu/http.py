"""Small helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    # django-stubs' placeholder for AUTH_USER_MODEL: the mypy plugin reads it as accounts' User,
    # so this module names the user without importing a layer above it (tests/test_dependencies).
    from django.contrib.auth.models import _User as User
    from django_stubs_ext import StrOrPromise


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view sees behind login_required (or a decorator built on it)."""

    user: User


# The codes of a refusal that means "it changed meanwhile": a stale edit (the row changed since
# the form was loaded), a state conflict (the escalation or medskick has moved on), or a record
# that is locked or cancelled. Answered 409 Conflict; every other refusal is 400.
CONFLICT_CODES = frozenset(
    {"stale", "wrong_status", "locked", "cancelled", "not_approved", "already_in_archive"}
)
_CONFLICT = "_sutohamu_refused_in_conflict"


def error_codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors if e.code}
    return {e.code for e in error.error_list if e.code}


def refusal_status(error: ValidationError) -> int:
    """409 for a stale edit or a state conflict, 400 for every other refused write."""
    return 409 if error_codes(error) & CONFLICT_CODES else 400


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model or service ValidationError onto the form, on its fields where they exist.

    The form remembers whether the refusal was a conflict, so form_status answers 409 for it.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    if refusal_status(error) == 409:
        setattr(form, _CONFLICT, True)


def form_status(form: forms.BaseForm) -> int:
    """200 for a form to fill in; 409 after a conflicting refusal; 400 for any other error."""
    if getattr(form, _CONFLICT, False):
        return 409
    return 400 if form.is_bound and form.errors else 200


T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What the service returned for a form that was saved."""

    result: T


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], T],
    *,
    done: StrOrPromise | Callable[[T], StrOrPromise],
) -> Saved[T] | None:
    """The one form loop of the views: a valid POST runs `save` (the service) with the cleaned
    data; its refusal lands on the form (form_status then answers 409 or 400, the input kept);
    on success the `done` message is queued and the service's result returned for the redirect.
    None means: render the form (again).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        add_validation_error(form, error)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return Saved(result)


def render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    template: str = "form_page.html",
    **context: Any,
) -> HttpResponse:
    """Render a form page (form_status: the input kept, 400 or 409 when it was refused)."""
    return render(request, template, {"form": form, **context}, status=form_status(form))
