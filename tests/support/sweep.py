"""Sample values for URL keyword arguments, used by the URL sweep
(tests/caregiver/test_url_sweep.py). Each app adds a factory for every record id its
routes take: `factory(child, user) -> value` makes a record of `child` as `user`.
A route with a keyword missing here fails the sweep, so no route goes unchecked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from caregiver import devices
from caregiver.models import Child, Invitation, Membership, Role, User
from seizures.models import ImportUpload, PushSubscription
from tests.support.factories import (
    sweep_day_note,
    sweep_dose,
    sweep_dose_version,
    sweep_episode,
    sweep_medicine,
    sweep_not_recorded,
    sweep_treatment,
    sweep_uncountable,
    sweep_weight,
)


def _member(child: Child, user: User) -> Any:
    return Membership.objects.filter(child=child).order_by("created_at").first().public_id


def _invitation(child: Child, user: User) -> Any:
    invitation, _token = Invitation.issue(
        child=child, email="invited@example.com", role=Role.CAREGIVER, invited_by=user
    )
    return invitation.public_id


def _device_token(child: Child, user: User) -> Any:
    child.membership = Membership.objects.filter(child=child, role=Role.OWNER).first()
    return devices.issue(child, child.membership.user, name="sweep", read_only=False)[0].public_id


def _push_device(child: Child, user: User) -> Any:
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example.com/{uuid4()}", p256dh="x", auth="y"
    ).public_id


def _import_upload(child: Child, user: User) -> Any:
    content = b"date,duration\n2026-11-01 10:00,60\n"
    return ImportUpload.objects.create(child=child, uploaded_by=user, name="sweep.csv", content=content).public_id


SWEEP_OBJECTS: dict[str, Callable[[Child, User], Any]] = {
    "member_id": _member,
    "invitation_id": _invitation,
    "episode_id": sweep_episode,
    "treatment_id": sweep_treatment,
    "range_id": sweep_not_recorded,
    "token_id": _device_token,
    "upload_id": _import_upload,
    "period_id": sweep_uncountable,
    "medicine_id": sweep_medicine,
    "weight_id": sweep_weight,
    "dose_id": sweep_dose,
    "version_id": sweep_dose_version,
    "note_id": sweep_day_note,
    "device_id": _push_device,
}
