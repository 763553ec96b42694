"""Small helpers every app's views share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    # django-stubs' placeholder for AUTH_USER_MODEL: the mypy plugin reads it as accounts' User,
    # so this module names the user without importing a layer above it (tests/test_dependencies).
    from django.contrib.auth.models import _User as User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view sees behind login_required (or a decorator built on it)."""

    user: User


# The codes of a refusal that means "it changed meanwhile": a stale edit (the row changed since
# the form was loaded), a state conflict (the escalation or medskick has moved on), or a record
# that is locked or cancelled. Answered 409 Conflict; every other refusal is 400.
CONFLICT_CODES = frozenset({"stale", "wrong_status", "locked", "cancelled", "not_approved"})
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


def render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    template: str = "form_page.html",
    **context: Any,
) -> HttpResponse:
    """Render a form page (form_status: the input kept, 400 or 409 when it was refused)."""
    return render(request, template, {"form": form, **context}, status=form_status(form))
