"""Reference data and memberships for the administrator; day-to-day work has its own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import CapabilityAdmin
from accounts.capabilities import Capability
from accounts.models import Organisation

from .models import Agreement, AgreementPoint, Body, MeetingPlan, Membership, Signatory


@admin.register(Organisation)
class OrganisationAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "kind", "municipality_code", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "municipality_code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]

    def has_delete_permission(self, request, obj=None):
        return False


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
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["user", "body", "kind", "organisation", "start_date", "end_date"]
    list_filter = ["kind", "body"]
    list_select_related = ["user", "body", "organisation"]
    autocomplete_fields = ["user", "body", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "body__name"]


@admin.register(MeetingPlan)
class MeetingPlanAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    list_display = ["body", "year", "planned_meetings"]
    list_filter = ["year"]
    list_select_related = ["body"]


class PointInline(admin.TabularInline):
    model = AgreementPoint
    extra = 1


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 1


@admin.register(Agreement)
class AgreementAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    list_display = ["title", "start_date", "terminated_on"]
    filter_horizontal = ["parties"]
    # Termination and the signed document have their own pages with their own checks.
    exclude = ["document", "terminated_by", "terminated_on", "termination_reason"]
    inlines = [PointInline, SignatoryInline]
