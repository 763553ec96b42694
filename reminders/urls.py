"""URLs of the reminders app (mounted at /paminnelser/)."""

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("installningar/", views.preferences, name="preferences"),
]
