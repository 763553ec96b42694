"""The agenda rotation is reference data: a fifth municipality joins the turns here."""

from django.contrib import admin

from accounts.admin_site import CapabilityAdmin

from .models import AgendaRotation


@admin.register(AgendaRotation)
class AgendaRotationAdmin(CapabilityAdmin):
    list_display = ["body", "position", "municipality"]
    list_filter = ["body"]
    list_select_related = ["body", "municipality"]
