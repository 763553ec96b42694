from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sutohamu.admin import CapabilityAdmin

from .capabilities import Capability
from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(CapabilityAdmin, DjangoUserAdmin, SimpleHistoryAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "job_title", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "job_title")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["user", "role", "organisation", "start_date", "end_date"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
