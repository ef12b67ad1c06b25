from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction

from caregiver import audit
from caregiver.models import AuditEvent, Child, Invitation, Membership, User


class FamilyAuditedAdmin(admin.ModelAdmin):
    """Staff changes to a family's records go in that family's audit trail, as the staff
    member with the role "staff", in the admin's own transaction. Inlines are recorded too."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._record(request, obj, "edit" if change else "create", form.changed_data)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._record(request, obj, "create", [])
        for obj, fields in formset.changed_objects:
            self._record(request, obj, "edit", fields)
        for obj in formset.deleted_objects:
            self._record(request, obj, "delete", [])

    def delete_model(self, request, obj) -> None:
        self._record(request, obj, "delete", [])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():  # the bulk "delete selected" action has no transaction of its own
            for obj in queryset:
                self._record(request, obj, "delete", [])
            super().delete_queryset(request, queryset)

    @staticmethod
    def _record(request, obj: models.Model, action: str, fields: list[str]) -> None:
        what = f"Staff in the admin: {action} {obj._meta.verbose_name}"
        if fields:
            what += f" ({', '.join(fields)})"
        if isinstance(obj, Child):
            # A deleted child's trail goes with it: that event is kept without a child.
            children = [None] if action == "delete" else [obj]
        elif isinstance(obj, User):  # an account's change concerns every family it is in
            children = [m.child for m in obj.memberships.select_related("child")]
        else:
            children = [obj.child]
        for child in children:
            audit.record(request.user, action, child=child, obj=obj, summary=what, role="staff")


@admin.register(User)
class UserAdmin(FamilyAuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]

    def user_change_password(self, request, id, form_url=""):
        """Staff setting someone's password (a way into their families) is in those trails too."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                self._record(request, self.get_object(request, unquote(id)), "edit", ["password"])
        return response


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Child)
class ChildAdmin(FamilyAuditedAdmin):
    list_display = ["name", "born_on", "gene_variant", "time_zone", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(FamilyAuditedAdmin):
    list_display = ["email", "child", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records staff may look at but never add, change or delete (written only by the app)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is append-only, also for staff."""

    list_display = ["at", "actor_label", "role", "action", "object_type", "child"]
    list_filter = ["action"]
