"""Council pages and priorities: links only to pages one may open, own bodies, joint
priorities rest on a decision, and the medskick "To" list offers only receivers the rules accept."""

import datetime
from typing import cast

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from councils.choices import BodyKind, PriorityScope
from councils.forms import MedskickForm
from councils.models import Body, Priority
from councils.models.priorities import priority_rights
from councils.services import priority_save
from sutohamu import decisions
from sutohamu.decisions import DecisionInfo

pytestmark = pytest.mark.django_db


def edit_links(html):
    return html.count("/samverkan/prioriteringar/") - html.count("/samverkan/prioriteringar/ny/")


@pytest.mark.parametrize("username", ["lpo.chef", "agera", "rektor.sunne", "styrgrupp.sunne"])
def test_read_only_roles_see_priority_titles_as_text(login, username):
    client = login(username)
    page = client.get(reverse("councils:priorities")).content.decode()
    assert "Gemensam lägesbild över kommungränserna" in page
    for priority in Priority.objects.all():
        assert reverse("councils:priority_edit", args=[priority.pk]) not in page


def test_a_coordinator_links_exactly_the_priorities_she_may_edit(login):
    client = login("samordnare.torsby")
    page = client.get(reverse("councils:priorities")).content.decode()
    user = User.objects.get(username="samordnare.torsby")
    year = timezone.localdate().year
    for priority in Priority.objects.filter(year=year):
        url = reverse("councils:priority_edit", args=[priority.pk])
        linked = f'href="{url}"' in page
        assert linked == priority_rights(user).allows(priority), priority.title
        assert client.get(url).status_code == (200 if linked else 403)
    assert edit_links(page) >= 1


def test_my_bodies_lists_only_bodies_one_sits_in(login):
    admin_page = login("admin").get(reverse("councils:overview")).content.decode()
    mine, _sep, rest = admin_page.partition('id="other-bodies-heading"')
    assert "Du är inte ledamot i något organ." in mine
    for body in Body.objects.all():
        assert body.name not in mine
        assert body.name in rest
    member_page = login("rektor.sunne").get(reverse("councils:overview")).content.decode()
    assert 'id="other-bodies-heading"' not in member_page
    assert "Trygghetsrådet i Sunne" in member_page


def joint(**extra):
    return Priority(
        year=2026, scope=PriorityScope.JOINT, area="crime", title="Gemensam fråga", **extra
    )


def test_a_joint_priority_needs_the_working_groups_decision(demo, monkeypatch):
    monkeypatch.setattr(decisions, "_lookups", [])
    coordinator = User.objects.get(username="samordnare.sunne")
    with pytest.raises(ValidationError) as refused:
        priority_save(priority=joint(), by=coordinator)
    assert refused.value.error_dict["decision_reference"][0].code == "joint_needs_decision"
    with pytest.raises(ValidationError) as refused:
        priority_save(priority=joint(decision_reference="SuToHaMu-gruppen § 7"), by=coordinator)
    assert refused.value.error_dict["decision_date"][0].code == "joint_needs_decision_date"
    saved = priority_save(
        priority=joint(
            decision_reference="SuToHaMu-gruppen § 7", decision_date=datetime.date(2026, 3, 4)
        ),
        by=coordinator,
    )
    assert saved.pk and saved.history.first().history_user == coordinator


def test_with_recorded_decisions_the_reference_must_name_one(demo, monkeypatch):
    recorded = DecisionInfo(
        "SUTOHAMU-2026-014", datetime.date(2026, 2, 5), "SuToHaMu-gruppen", kind="priority"
    )
    monkeypatch.setattr(
        decisions, "_lookups", [lambda ref: recorded if ref == recorded.reference else None]
    )
    coordinator = User.objects.get(username="samordnare.sunne")
    with pytest.raises(ValidationError) as refused:
        priority_save(priority=joint(decision_reference="SUTOHAMU-2026-999"), by=coordinator)
    assert refused.value.error_dict["decision_reference"][0].code == "decision_not_found"
    saved = priority_save(priority=joint(decision_reference=" SUTOHAMU-2026-014 "), by=coordinator)
    assert (saved.decision_reference, saved.decision_date) == (recorded.reference, recorded.date)


def test_only_the_working_groups_editors_keep_joint_priorities(demo):
    with pytest.raises(ValidationError) as refused:
        priority_save(
            priority=joint(decision_reference="x", decision_date=datetime.date(2026, 1, 1)),
            by=User.objects.get(username="rektor.sunne"),
        )
    assert refused.value.error_dict["scope"][0].code == "not_allowed"


def test_the_priority_form_answers_a_joint_priority_without_decision_with_400(login, monkeypatch):
    monkeypatch.setattr(decisions, "_lookups", [])
    response = login("samordnare.sunne").post(
        reverse("councils:priority_create"),
        {"year": 2026, "period": 0, "scope": "joint", "area": "crime", "title": "Utan beslut"},
    )
    assert response.status_code == 400
    assert "arbetsgruppens beslut" in response.content.decode()
    assert not Priority.objects.filter(title="Utan beslut").exists()


def test_the_demos_joint_priorities_rest_on_a_decision(demo):
    for priority in Priority.objects.filter(scope=PriorityScope.JOINT):
        assert priority.decision_reference and priority.decision_date, priority.title


def receivers_offered(form):
    values = []
    for _value, label_or_group in form.fields["receiver"].choices:
        if isinstance(label_or_group, list):
            values += [v for v, _label in label_or_group]
        elif _value != "":
            values.append(_value)
    return {Body.objects.get(pk=v).name for v in values}


def test_medskick_to_lists_only_receivers_the_rules_accept(demo):
    working_group = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    councils = set(Body.objects.filter(kind=BodyKind.LOCAL_COUNCIL).values_list("name", flat=True))
    # A coordinator of one council and the working group: each sender's receivers, grouped.
    form = MedskickForm(user=User.objects.get(username="samordnare.torsby"))
    assert receivers_offered(form) == councils | {working_group.name}
    html = str(form["receiver"])
    assert "<optgroup" in html and "Välj …" in html and "---------" not in html
    senders = cast(forms.ModelChoiceField, form.fields["sender"]).queryset
    receivers = cast(forms.ChoiceField, form.fields["receiver"]).choices
    for sender in senders:
        group = next(g for g, _c in receivers if sender.name in str(g))
        options = next(c for g, c in receivers if g == group)
        for pk, _name in options:
            receiver = Body.objects.get(pk=pk)
            assert receiver != sender
            assert {receiver.kind, sender.kind} == {
                BodyKind.LOCAL_COUNCIL,
                BodyKind.WORKING_GROUP,
            }
    # A chair of only a council sends to the working group and nowhere else.
    chair_only = [
        u
        for u in User.objects.filter(is_active=True)
        if list(Body.objects.changeable_by(u))
        and not Body.objects.changeable_by(u).exclude(kind=BodyKind.LOCAL_COUNCIL)
    ]
    for user in chair_only[:1]:
        assert receivers_offered(MedskickForm(user=user)) == {working_group.name}
