"""A Django admin changelist of the desk's rows, for the benchmark's comparison only.

Mounted with the floors (`BENCH_VIEWS=true`) on a site of its own; production has no case admin
(case content is reached only through the access door).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cases.models import Case


class BenchAdminSite(admin.AdminSite):
    site_header = "Benchmark"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_authenticated)


site = BenchAdminSite(name="bench_admin")


@admin.register(Case, site=site)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "owner", "reported_at"]
    list_filter = ["status", "municipality"]
    list_per_page = 25

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
