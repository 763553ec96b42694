"""Every free-text field of the project refuses personal data."""

import pytest
from django.apps import apps
from django.db import models

from sutohamu.fields import GuardedCharField, GuardedTextField

PROJECT_APPS = ("accounts", "councils", "cases", "meetings")

# Text that is not case or cooperation content, each with its reason.
EXEMPT = {
    "accounts.User.username": "staff account data",
    "accounts.User.first_name": "staff account data",
    "accounts.User.last_name": "staff account data",
    "accounts.User.email": "staff account data",
    "accounts.User.password": "a hash",
    "accounts.User.job_title": "staff account data",
    "accounts.Notification.text": "written by the system, never by a person",
    "accounts.Notification.link": "a path inside the app",
    "accounts.Organisation.name": "reference data kept by the administrator",
    "accounts.Organisation.code": "a short code",
    "accounts.Organisation.municipality_code": "four digits, validated",
    "councils.Agreement.document": "a file",
    "councils.StoredDocument.name": "a file's storage name, made by the upload",
    "councils.Agreement.document_sha256": "a digest made by the system",
    "accounts.EnrolmentLink.token_sha256": "a digest made by the system",
    "cases.ReadLogCheck.chain": "the name of a log, set by the system",
    "cases.Case.reference": "made by the system",
    "cases.DeskItem.reference": "a copy of the case's reference, made by the system",
    "accounts.UnreadCount.target_type": "a notification target's model name, by the system",
    "meetings.AgendaVersion.sha256": "the digest of the stored PDF, made by the system",
    "meetings.MinutesVersion.sha256": "the digest of the stored PDF, made by the system",
    "cases.Case.areas": "codes from a fixed list",
    "cases.Subject.pseudonym": "has its own format rule (a word and a letter or number)",
}


def free_text_fields():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            for field in model._meta.get_fields():
                if (
                    isinstance(field, (models.CharField, models.TextField, models.FileField))
                    and not field.choices
                ):
                    yield f"{app}.{model.__name__}.{field.name}", field


@pytest.mark.parametrize(("name", "field"), list(free_text_fields()), ids=lambda v: str(v))
def test_free_text_field_is_guarded_or_exempt_with_a_reason(name, field):
    if name in EXEMPT:
        return
    assert isinstance(field, (GuardedCharField, GuardedTextField)), f"{name} is not guarded"


def test_exemptions_name_real_fields():
    names = {name for name, _ in free_text_fields()}
    assert set(EXEMPT) <= names
