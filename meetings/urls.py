"""URLs of the meetings app (its issue fills them)."""

from django.urls import path  # noqa: F401

app_name = "meetings"

urlpatterns: list = []
