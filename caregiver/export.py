"""The user's own data, as JSON-ready dicts. Other apps add their records of each child
through the `child_data_export` signal."""

from __future__ import annotations

from django.utils import timezone

from caregiver.models import AuditEvent, Child, DeviceToken, Membership, User
from caregiver.signals import child_data_export


def child_record(child: Child) -> dict:
    return {
        "id": str(child.public_id),
        "name": child.name,
        "born_on": child.born_on.isoformat(),
        "seizures_began_on": child.seizures_began_on.isoformat() if child.seizures_began_on else None,
        "diagnosis": child.diagnosis,
        "gene_variant": child.gene_variant,
        "gene_variant_detail": child.gene_variant_detail,
        "time_zone": child.time_zone,
        "rescue_plan": child.rescue_plan,
        "rescue_threshold_minutes": child.rescue_threshold_minutes,
        "cluster_alert_count": child.cluster_alert_count,
        "cluster_alert_hours": child.cluster_alert_hours,
    }


def user_export(user: User) -> dict:
    children = []
    for membership in Membership.objects.filter(user=user).select_related("child").order_by("child__name"):
        child = membership.child
        record = child_record(child) | {
            "your_role": membership.role,
            "care_team": [
                {"email": m.user.email, "name": m.user.name, "role": m.role}
                for m in child.memberships.select_related("user").order_by("created_at")
            ],
        }
        if membership.is_owner:
            # What each device token is and did; never its hash (a credential, not data).
            record["device_tokens"] = [
                {
                    "name": t.name,
                    "read_only": t.read_only,
                    "made_by": t.membership.user.email,
                    "created_at": t.created_at.isoformat(),
                    "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in DeviceToken.objects.filter(membership__child=child).select_related("membership__user")
            ]
            record["audit_trail"] = [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor_label,
                    "role": e.role,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "summary": e.summary,
                }
                for e in AuditEvent.objects.filter(child=child).order_by("at", "id").iterator()
            ]
        for _receiver, (section, data) in child_data_export.send(sender=Child, child=child):
            record[section] = data
        children.append(record)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "joined_at": user.date_joined.isoformat(),
        },
        "children": children,
    }
