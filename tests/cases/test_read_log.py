"""Every read of a case page, timeline, PDF or export is logged; the log cannot be edited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from cases.choices import ReadKind
from cases.models import CaseRead
from cases.models.reads import ReadLogIsAppendOnly
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("view", "kind"),
    [
        ("cases:detail", ReadKind.PAGE),
        ("cases:timeline", ReadKind.TIMELINE),
        ("cases:pdf", ReadKind.PDF),
    ],
)
def test_each_read_is_logged(login, view, kind):
    case = nmr_case()
    client = login("samordnare2.sunne")
    client.get(reverse(view, args=[case.reference]))
    client.get(reverse(view, args=[case.reference]))
    reads = CaseRead.objects.filter(case=case, user__username="samordnare2.sunne", kind=kind)
    assert reads.count() == 2


def test_an_export_logs_every_exported_case(login):
    client = login("samordnare.sunne")
    response = client.get(reverse("cases:export"))
    exported = response.content.decode("utf-8-sig").count("SUN-")
    assert exported > 0
    assert CaseRead.objects.filter(kind=ReadKind.EXPORT).count() == exported


def test_a_refused_read_is_not_logged_as_a_read(login):
    login("samordnare.hagfors").get(reverse("cases:detail", args=[nmr_case().reference]))
    assert not CaseRead.objects.exists()


def test_the_dpo_sees_and_filters_the_log_without_case_text(login):
    case = nmr_case()
    login("samordnare.sunne").get(reverse("cases:detail", args=[case.reference]))
    login("samordnare2.sunne").get(reverse("cases:timeline", args=[case.reference]))
    client = login("dso")
    page = client.get(reverse("cases:read_log")).content.decode()
    assert case.reference in page and "samordnare2.sunne" in page
    assert case.title not in page and case.description not in page
    filtered = client.get(reverse("cases:read_log"), {"person": "samordnare2"}).content.decode()
    assert "samordnare2.sunne" in filtered and "(samordnare.sunne)" not in filtered
    bad = client.get(
        reverse("cases:read_log"), {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("username", ["samordnare.sunne", "admin", "agera"])
def test_only_the_dpo_reads_the_log(login, username):
    assert login(username).get(reverse("cases:read_log")).status_code == 403


def test_the_log_cannot_be_changed_or_deleted(login):
    case = nmr_case()
    login("samordnare.sunne").get(reverse("cases:detail", args=[case.reference]))
    read = CaseRead.objects.get()
    read.kind = ReadKind.PDF
    with pytest.raises(ReadLogIsAppendOnly):
        read.save()
    with pytest.raises(ReadLogIsAppendOnly):
        read.delete()
    assert CaseRead.objects.get().kind == ReadKind.PAGE
    assert CaseRead not in admin.site._registry
    assert User.objects.filter(username="dso").exists()
