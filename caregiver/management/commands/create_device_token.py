"""`python manage.py create_device_token CHILD_ID NAME [--read-only] [--owner EMAIL]`: a device
token for scripts, printed once. It acts as the child's first owner, or the owner named."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caregiver import devices
from caregiver.forms import DeviceTokenForm
from caregiver.models import Membership, Role


class Command(BaseCommand):
    help = "Make a device token for one child and print it (it is not stored, only its hash)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("child_id", help="the child's id (as in its page addresses)")
        parser.add_argument("name", help="what the device is, e.g. 'bedside button'")
        parser.add_argument("--read-only", action="store_true", help="it may list seizures but not log them")
        parser.add_argument("--owner", help="the owner's e-mail address the token acts as")

    def handle(self, *args, child_id: str, name: str, read_only: bool, owner: str | None, **options) -> None:
        owners = Membership.objects.filter(role=Role.OWNER).select_related("child", "user").order_by("created_at")
        try:
            owners = owners.filter(child__public_id=child_id)
        except ValidationError:
            raise CommandError(f"No child with the id {child_id}.") from None
        if owner:
            owners = owners.filter(user__email__iexact=owner)
        membership = owners.first()
        if membership is None:
            raise CommandError(f"No child with the id {child_id}" + (f" owned by {owner}." if owner else "."))
        form = DeviceTokenForm({"name": name, "read_only": read_only})
        if not form.is_valid():
            raise CommandError("; ".join(m for messages in form.errors.values() for m in messages))
        child = membership.child
        child.membership = membership
        _token, plain = devices.issue(child, membership.user, **form.cleaned_data)
        self.stdout.write(plain)
