"""The administrator manages organisations, people, roles, bodies and memberships."""

import pytest
from django.contrib import admin
from django.urls import reverse

from councils.models import Membership

REGISTERED = [m for m in admin.site._registry if m._meta.app_label in {"accounts", "councils"}]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_administrator_opens_every_admin_page(login, model):
    client = login("admin")
    opts = model._meta
    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 200
    )
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["samordnare.sunne", "dso", "agera"])
def test_others_cannot_reach_the_admin(login, username):
    response = login(username).get(reverse("admin:councils_membership_changelist"))
    assert response.status_code == 302  # the admin's own sign-in page


@pytest.mark.django_db
def test_membership_ending_before_it_starts_is_refused_with_400(login):
    membership = Membership.objects.filter(user__username="agera").get()
    response = login("admin").post(
        reverse("admin:councils_membership_change", args=[membership.pk]),
        {
            "body": membership.body_id,
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "kind": membership.kind,
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte ligga före startdatumet." in response.content.decode()
    membership.refresh_from_db()
    assert membership.end_date is None
