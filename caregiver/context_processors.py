from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from caregiver.models import Membership


def children(request: HttpRequest) -> dict:
    """The signed-in user's memberships, for the child switcher. Lazy: pages that do not
    show the switcher run no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}
    return {
        "my_memberships": SimpleLazyObject(
            lambda: list(Membership.objects.filter(user=user).select_related("child").order_by("child__name"))
        )
    }
