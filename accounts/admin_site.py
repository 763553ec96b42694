"""The admin site answers to the role module, not to Django's is_staff and model permissions."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .capabilities import Capability, has_capability


class SuToHaMuAdminSite(admin.AdminSite):
    site_header = _("SuToHaMu administration")
    site_title = _("SuToHaMu administration")
    index_title = _("Reference data and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (
            has_capability(user, Capability.MANAGE_ACCOUNTS)
            or has_capability(user, Capability.MANAGE_REFERENCE_DATA)
        )


class CapabilityAdmin(admin.ModelAdmin):
    """A model admin open to whoever holds `capability`; nobody else sees the model."""

    capability: Capability = Capability.MANAGE_REFERENCE_DATA

    def _allowed(self, request: HttpRequest) -> bool:
        return has_capability(request.user, self.capability)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Rows are ended or deactivated, never deleted: history must stay whole.
        return False

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):
        """Refused input answers 400, like every other form in the app, not Django's 200."""
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response
