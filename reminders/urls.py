"""URLs of the reminders app (its issue fills them)."""

from django.urls import path  # noqa: F401

app_name = "reminders"

urlpatterns: list = []
