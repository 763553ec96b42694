"""Top-level URL map."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("samverkan/", include("councils.urls")),
    path("arenden/", include("cases.urls")),
    path("moten/", include("meetings.urls")),
    path("paminnelser/", include("reminders.urls")),
    path("rapporter/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
