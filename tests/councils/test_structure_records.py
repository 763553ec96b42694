"""The structure's plain records (a body, its meeting plan, a citizen promise and its activities,
an action plan) are written by services that validate the whole row on every road and record who
changed it; the pages go through them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councils import services
from councils.choices import BodyKind
from councils.models import ActionPlanAssignment, Body, CitizenPromise, PromiseActivity
from tests.demo_objects import org, user

pytestmark = pytest.mark.django_db


def sunne_council() -> Body:
    return Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality__code="SUN")


def test_a_body_saved_on_its_page_records_who_changed_it(demo, login):
    body = sunne_council()
    response = login("samordnare.sunne").post(
        reverse("councils:body_edit", args=[body.pk]),
        {"name": body.name, "description": "Rådet möts i Sunne."},
    )
    assert response.status_code == 302
    last = body.history.first()
    assert last.description == "Rådet möts i Sunne."
    assert last.history_user == user("samordnare.sunne")


def test_a_meeting_plan_saved_on_its_page_records_who_changed_it_and_a_bad_count_keeps_it(
    demo, login
):
    body = sunne_council()
    client = login("samordnare.sunne")
    url = reverse("councils:meeting_plan", args=[body.pk])
    year = timezone.localdate().year
    assert client.post(url, {"year": year, "planned_meetings": 3}).status_code == 302
    plan = body.meeting_plans.get(year=year)
    assert plan.planned_meetings == 3
    assert plan.history.first().history_user == user("samordnare.sunne")
    refused = client.post(url, {"year": year, "planned_meetings": 9})
    assert refused.status_code == 400
    assert "gånger per år" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.planned_meetings == 3


def test_an_activity_due_before_its_promises_year_is_refused_on_every_road(demo, login):
    promise = CitizenPromise.objects.filter(municipality__code="SUN").first()
    activity = PromiseActivity(
        promise=promise,
        title="Kvällsvandring",
        owner=org("SUN"),
        due_date=datetime.date(promise.year - 1, 12, 31),
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_save(activity=activity, by=user("kommunpolis"))
    assert refused.value.error_dict["due_date"][0].code == "due_before_year"
    response = login("kommunpolis").post(
        reverse("councils:activity_create", args=[promise.pk]),
        {
            "title": "Kvällsvandring",
            "owner": org("SUN").pk,
            "due_date": f"{promise.year - 1}-12-31",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert f"före löftets år ({promise.year})" in response.content.decode()
    assert not promise.activities.filter(title="Kvällsvandring").exists()


def test_a_promise_for_another_municipality_is_refused_by_the_service(demo):
    promise = CitizenPromise(
        municipality=org("TOR"),
        police_area=CitizenPromise.objects.first().police_area,
        year=2031,
        title="Löfte",
        text="Vi lovar.",
    )
    with pytest.raises(ValidationError) as refused:
        services.promise_save(promise=promise, by=user("samordnare.sunne"))
    assert refused.value.code == "not_allowed"
    assert not CitizenPromise.objects.filter(year=2031).exists()


def test_an_action_plan_is_kept_by_its_own_municipality_only(demo, login):
    torsby = org("TOR")
    line = ActionPlanAssignment(municipality=torsby, area="vbe")
    with pytest.raises(ValidationError) as refused:
        services.action_plan_save(assignment=line, by=user("samordnare.sunne"))
    assert refused.value.code == "not_allowed"
    client = login("samordnare.sunne")
    url = reverse("councils:action_plan_edit", args=[torsby.pk, "vbe"])
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("councils:action_plan_edit", args=[org("SUN").pk, "nej"])).status_code
        == 404
    )
    own = reverse("councils:action_plan_edit", args=[org("SUN").pk, "vbe"])
    coordinator = user("samordnare.sunne")
    assert client.post(own, {"coordinator": coordinator.pk}).status_code == 302
    saved = ActionPlanAssignment.objects.get(municipality=org("SUN"), area="vbe")
    assert saved.coordinator == coordinator
    assert saved.history.first().history_user == coordinator
