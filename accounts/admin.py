from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_site import CapabilityAdmin
from .capabilities import Capability
from .enrolment import enrolment_link_create
from .models import RoleAssignment, User
from .twofactor import hide_device_admin, reset_two_factor_action

if TYPE_CHECKING:
    from .capabilities import AnyUser

ERROR_OWN_ROLES = _("Nobody changes their own roles: ask another administrator.")

hide_device_admin()


def _own(request: HttpRequest, user_id: int | None) -> bool:
    return user_id is not None and user_id == request.user.pk


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]

    # On one's own person page the roles are shown, never changed (separation of duties).
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _own(request, getattr(obj, "pk", None)) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _own(request, getattr(obj, "pk", None)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleAssignmentForm(forms.ModelForm):
    """Refuses a role for the person doing the change; the model refuses conflicting roles."""

    by: AnyUser | None = None  # the person making the change, set by the admin's get_form

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organisation", "start_date", "end_date"]

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if self.by is not None and user.pk == self.by.pk:
            raise forms.ValidationError(ERROR_OWN_ROLES, code="own_roles")
        return user


class NewPersonForm(forms.ModelForm):
    """A new account without a password: the person chooses one through an enrolment link."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "job_title"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "job_title", "is_active"]


@admin.action(description=_("Make an enrolment link (password and two-factor sign-in)"))
def enrolment_link_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> None:
    """Mailed to the person, or shown here once when they have no address; listed for the DPO."""
    for user in queryset:
        try:
            url, mailed = enrolment_link_create(user=user, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            continue
        if mailed:
            message = _("An enrolment link was mailed to %(person)s.") % {"person": user}
        else:
            message = _(
                "Enrolment link for %(person)s (shown only now; valid for three days, once): "
                "%(url)s"
            ) % {"person": user, "url": url}
        modeladmin.message_user(request, message, messages.SUCCESS)


@admin.register(User)
class UserAdmin(CapabilityAdmin, DjangoUserAdmin, SimpleHistoryAdmin):
    """People: no password is set or shown here; an enrolment link lets the person choose one."""

    capability = Capability.MANAGE_ACCOUNTS
    inlines = [RoleInline]
    actions = [enrolment_link_action, reset_two_factor_action]
    list_display = ["username", "first_name", "last_name", "job_title", "is_active"]
    form = PersonForm
    add_form = NewPersonForm
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "job_title")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "job_title")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_urls(self) -> list[URLPattern]:
        # Without Django's "change password" page: nobody sets another person's password.
        return [url for url in super().get_urls() if not str(url.pattern).endswith("password/")]

    def user_change_password(self, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    form = RoleAssignmentForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        # ModelAdmin.get_form builds a subclass of self.form (modelform_factory(form=self.form)).
        form = cast(
            "type[RoleAssignmentForm]", super().get_form(request, obj, change=change, **kwargs)
        )
        form.by = request.user
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _own(request, obj.user_id):
            return False
        return super().has_change_permission(request, obj)

    list_display = ["user", "role", "organisation", "start_date", "end_date"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
