"""A separate process for tests/seizures/test_alert_workers.py, on the database in
$DATABASE_URL: `python -m tests.support.alert_seed seed COUNT ENDPOINT P256DH AUTH` makes a
family whose second caregiver has one device at ENDPOINT and COUNT alerts due for them;
`python -m tests.support.alert_seed report` prints how the alerts stand, as JSON."""

from __future__ import annotations

import json
import os
import sys
import uuid


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from datetime import date

    from django.db.models import Count
    from django.utils import timezone

    from caregiver.models import Child, Membership, User
    from seizures.alert_models import Alert, Channel, Kind, PushSubscription

    if argv[0] == "seed":
        _seed, count, endpoint, p256dh, auth = argv
        owner = User.objects.create_user(email="owner@example.com", password="unused-in-this-test")
        user = User.objects.create_user(email="nurse@example.com", password="unused-in-this-test")
        child = Child.objects.create(name="Robin", born_on=date(2026, 1, 1), time_zone="Europe/Berlin")
        Membership.objects.create(user=owner, child=child, role="owner")
        membership = Membership.objects.create(user=user, child=child, role="caregiver")
        PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh=p256dh, auth=auth)
        now = timezone.now()
        alerts = [
            Alert(
                kind=Kind.TEST,
                event=f"test:{uuid.uuid4()}",
                child=child,
                membership=membership,
                actor=owner,
                channel=Channel.PUSH,
                due_at=now,
            )
            for _ in range(int(count))
        ]
        Alert.objects.bulk_create(alerts)
        return
    outcomes = dict(Alert.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    claimed = Alert.objects.filter(outcome="", claimed_until__isnull=False).count()
    events = list(Alert.objects.exclude(outcome="").values_list("event", flat=True))
    print(json.dumps({"outcomes": outcomes, "claimed": claimed, "sent_events": events}))


if __name__ == "__main__":
    main(sys.argv[1:])
