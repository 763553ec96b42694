"""URLs of the followup app (its issue fills them)."""

from django.urls import path  # noqa: F401

app_name = "followup"

urlpatterns: list = []
