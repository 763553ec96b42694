"""Top-level URL map."""

from django.conf import settings
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

if settings.BENCH_VIEWS:  # the benchmark's floors; never in production
    urlpatterns.append(path("_bench/", include("bench.urls")))
