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


def render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    template: str = "form_page.html",
    **context: Any,
) -> HttpResponse:
    """Render a form page; a submitted form with errors answers 400 with the input kept."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model or service ValidationError onto the form, on its fields where they exist."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
