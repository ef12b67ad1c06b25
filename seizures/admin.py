from __future__ import annotations

from django.contrib import admin

from caregiver.admin import FamilyAuditedAdmin, ReadOnlyAdmin
from seizures.models import Alert, Cluster, Episode, Treatment


@admin.register(Episode)
class EpisodeAdmin(FamilyAuditedAdmin):
    """For staff repairs. The model's clean() applies here as on the forms."""

    list_display = ["started_at", "child", "duration_seconds", "migrated", "is_tally", "in_progress", "deleted_at"]
    list_filter = [
        "is_tally",
        "in_progress",
        "migrated",
        "onset",
        "seizure_type",
        "apnea",
        "flushing",
        "eye_deviation",
        "jerking",
    ]
    list_select_related = ["child"]
    date_hierarchy = "started_at"
    raw_id_fields = ["child", "logged_by", "cluster"]
    readonly_fields = [
        "public_id",
        "client_uuid",
        "received_at",
        "updated_at",
        "version",
        "region_count",
        "migrated",
        "deleted_at",
    ]
    search_fields = ["public_id", "child__name", "notes"]


@admin.register(Cluster)
class ClusterAdmin(FamilyAuditedAdmin):
    list_display = ["started_at", "last_at", "child"]
    list_select_related = ["child"]
    raw_id_fields = ["child"]


@admin.register(Treatment)
class TreatmentAdmin(FamilyAuditedAdmin):
    list_display = ["label", "child", "kind", "started_on", "stopped_on"]
    list_filter = ["kind"]
    list_select_related = ["child"]
    raw_id_fields = ["child"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """The alert queue, for operators to see what was sent, skipped or given up and why.
    Read-only: only the writers queue alerts and only the worker changes them."""

    list_display = ["created_at", "kind", "child", "membership", "channel", "due_at", "attempts", "outcome", "sent_at"]
    list_filter = ["outcome", "kind", "channel"]
    list_select_related = ["child", "membership__user"]
    search_fields = ["event", "child__name", "membership__user__email", "last_error"]
