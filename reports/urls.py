"""URLs of the reports app (its issue fills them)."""

from django.urls import path  # noqa: F401

app_name = "reports"

urlpatterns: list = []
