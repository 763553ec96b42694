from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sutohamu.admin import CapabilityAdmin

from .models import Body, Organisation


@admin.register(Organisation)
class OrganisationAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "kind", "municipality_code", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "municipality_code"]


@admin.register(Body)
class BodyAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "municipality",
        "min_meetings_per_year",
        "max_meetings_per_year",
    ]
    list_filter = ["kind"]
    list_select_related = ["municipality"]
