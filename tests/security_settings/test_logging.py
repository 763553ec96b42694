"""A refusal is one log line (who, what, case references masked, no traceback); a real error
keeps its traceback; every line carries its time in UTC."""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.urls import reverse

from accounts.models import User
from sutohamu.logs import UTCFormatter, mask_path


def refusal_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "status_code", None) == 403]


def test_a_refused_page_logs_one_line_without_traceback(login, caplog):
    client = login("samordnare.sunne")
    user = User.objects.get(username="samordnare.sunne")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("role_grants"))  # the DPO's page
    assert response.status_code == 403
    records = refusal_records(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.getMessage() == f"refused user={user.pk} GET {reverse('role_grants')}"
    assert record.exc_info is None and not record.exc_text
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_refusal_on_a_case_path_masks_the_reference(rf, caplog):
    request = rf.post("/arenden/SUN-2026-0007/status/?x=1")
    request.user = User.objects.create(username="someone")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = response_for_exception(request, PermissionDenied("NMR lockar unga"))
    assert response.status_code == 403
    (record,) = refusal_records(caplog)
    message = record.getMessage()
    assert message == f"refused user={request.user.pk} POST /arenden/<ref>/status/"
    assert "SUN-2026-0007" not in caplog.text and "NMR" not in caplog.text
    assert record.exc_info is None


def test_a_csrf_refusal_is_one_line_too(client, caplog):
    client.handler.enforce_csrf_checks = True
    with caplog.at_level(logging.WARNING):
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    (record,) = refusal_records(caplog)
    assert record.getMessage() == f"refused user=- POST {reverse('login')}"


@pytest.mark.django_db
def test_a_real_error_keeps_its_traceback(rf, caplog):
    request = rf.get("/arenden/")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise RuntimeError("boom")
        except RuntimeError as error:
            response = response_for_exception(request, error)
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if getattr(r, "status_code", None) == 500]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_log_lines_carry_utc_time():
    formatter = UTCFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = 1_780_000_000.25  # 2026-05-28 20:26:40 UTC, 22:26:40 in Stockholm
    record.msecs = 250
    assert formatter.format(record) == "2026-05-28T20:26:40.250Z INFO x hello"
    assert time.strftime("%H", time.gmtime(record.created)) == "20"
    handlers = logging.getLogger().handlers
    assert any(isinstance(h.formatter, UTCFormatter) for h in handlers)


def test_mask_path_hides_every_case_reference():
    assert mask_path("/arenden/TOR-2025-0112/tidslinje/") == "/arenden/<ref>/tidslinje/"
    assert mask_path("/rapporter/2025/") == "/rapporter/2025/"
    assert not re.search(r"\d{4}-\d{4}", mask_path("/a/HAG-2026-0001/b/MUN-2024-12345/"))


def test_a_missing_case_page_logs_no_reference(login, caplog):
    client = login("samordnare.sunne")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/arenden/SUN-2099-0001/")
    assert response.status_code == 404
    assert "SUN-2099-0001" not in caplog.text
    assert "Traceback" not in caplog.text
