"""`python manage.py seed_demo`: one demo family, safe to run again (it changes nothing
the second time). The seizures app adds the child's history through `demo_child_seeded`."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from caregiver.models import Child, Membership, Role, User
from caregiver.signals import demo_child_seeded

DEMO_PASSWORD = "demo-family-passphrase"
DEMO_MEMBERS = [
    ("parent@demo.example", "Sam (parent)", Role.OWNER),
    ("grandpa@demo.example", "Grandpa Joe", Role.CAREGIVER),
    ("neurologist@demo.example", "Dr Rivera", Role.CLINICIAN),
]


class Command(BaseCommand):
    help = "Create the demo family (owner, second caregiver, clinician) and a child with history."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            users = {}
            for email, name, role in DEMO_MEMBERS:
                user, created = User.objects.get_or_create(email=email, defaults={"name": name})
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                users[email] = (user, role)
            owner = users[DEMO_MEMBERS[0][0]][0]
            child = Child.objects.filter(memberships__user=owner, name="Mia").first()
            created_child = child is None
            if created_child:
                today = timezone.localdate()
                child = Child.objects.create(
                    name="Mia",
                    born_on=today - timedelta(days=300),
                    seizures_began_on=today - timedelta(days=270),
                    gene_variant="kcnt1",
                    gene_variant_detail="KCNT1 c.862G>A (gain of function)",
                    time_zone="Europe/London",
                    rescue_plan=(
                        "After 5 minutes: give buccal midazolam 2.5 mg (in the red bag). "
                        "Lay Mia on her side. If the seizure has not stopped 5 minutes later, call 999."
                    ),
                    cluster_alert_count=6,
                    cluster_alert_hours=2,
                )
            for user, role in users.values():
                Membership.objects.get_or_create(user=user, child=child, defaults={"role": role})
            if created_child:
                demo_child_seeded.send(sender=Child, child=child, members=[u for u, _ in users.values()])
        self.stdout.write("Demo family ready. Sign in at http://127.0.0.1:8000/ with one of:")
        for email, name, role in DEMO_MEMBERS:
            self.stdout.write(f"  {email:28} {DEMO_PASSWORD}   ({name}, {role})")
