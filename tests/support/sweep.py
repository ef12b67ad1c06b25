"""Sample values for URL keyword arguments, used by the URL sweep
(tests/caregiver/test_url_sweep.py). Each app adds a factory for every record id its
routes take: `factory(child, user) -> value` makes a record of `child` as `user`.
A route with a keyword missing here fails the sweep, so no route goes unchecked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caregiver.models import Child, Invitation, Membership, Role, User
from tests.support.factories import sweep_day_note, sweep_episode, sweep_not_recorded, sweep_treatment


def _member(child: Child, user: User) -> Any:
    return Membership.objects.filter(child=child).order_by("created_at").first().public_id


def _invitation(child: Child, user: User) -> Any:
    invitation, _token = Invitation.issue(
        child=child, email="invited@example.com", role=Role.CAREGIVER, invited_by=user
    )
    return invitation.public_id


SWEEP_OBJECTS: dict[str, Callable[[Child, User], Any]] = {
    "member_id": _member,
    "invitation_id": _invitation,
    "episode_id": sweep_episode,
    "treatment_id": sweep_treatment,
    "range_id": sweep_not_recorded,
    "note_id": sweep_day_note,
}
