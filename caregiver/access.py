"""The one way a view reaches a child: through the signed-in user's membership.

Every child-scoped view in every app starts with `child_for`. Nothing else looks children
up by id for a request, so a missing check cannot open another family's records.
"""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from caregiver.models import Child, DeviceToken, Membership, User


class Need(Enum):
    READ = "read"  # any member: owner, caregiver, clinician
    WRITE = "write"  # owners and caregivers
    MANAGE = "manage"  # owners only: the team, the child's settings, the audit trail
    # The seizure action plan: owners and clinicians (the one thing a clinician may change);
    # caregivers follow it and read it.
    PLAN = "plan"


# Whether the membership's user is on another child's team. Written out: the ORM's Exists()
# spends longer building this subquery than the database spends running it, on every page.
_TABLE = Membership._meta.db_table
_ON_OTHER_TEAMS = RawSQL(
    f'EXISTS (SELECT 1 FROM "{_TABLE}" other WHERE other.user_id = "{_TABLE}".user_id'
    f' AND other.child_id <> "{_TABLE}".child_id)',
    (),
)


class AuthedRequest(HttpRequest):
    user: User


def child_for(request: HttpRequest, child_id: UUID | str, need: Need = Need.READ) -> Child:
    """The child if the user is on its care team, with `child.membership` set (and
    `membership.on_other_teams`, whether the user has another child: the page offers to
    switch).

    Non-members (and anonymous users) get 404, so a child's existence is not revealed;
    members whose role lacks `need` get 403. One query.
    """
    if isinstance(request.user, AnonymousUser) or not request.user.is_authenticated:
        raise Http404
    try:
        child_uuid = child_id if isinstance(child_id, UUID) else UUID(str(child_id))
    except ValueError:
        raise Http404 from None
    membership = get_object_or_404(
        Membership.objects.select_related("child").annotate(on_other_teams=_ON_OTHER_TEAMS),
        user=request.user,
        child__public_id=child_uuid,
    )
    if need is Need.WRITE and not membership.can_write:
        raise PermissionDenied
    if need is Need.MANAGE and not membership.is_owner:
        raise PermissionDenied
    if need is Need.PLAN and not membership.can_edit_plan:
        raise PermissionDenied
    child = membership.child
    child.membership = membership
    return child


def child_for_device(token: DeviceToken, child_id: UUID | str, need: Need = Need.READ) -> Child:
    """`child_for` for a device token: its own child only (any other is 404, as for a person
    off the team), write needs a write token held by a member who may still write (403)."""
    membership = token.membership
    if str(membership.child.public_id) != str(child_id):
        raise Http404
    if need is Need.MANAGE or (need is Need.WRITE and (token.read_only or not membership.can_write)):
        raise PermissionDenied
    child = membership.child
    child.membership = membership
    return child
