"""A separate process for tests/seizures/test_concurrent_writers.py, on the database in
$DATABASE_URL: `python -m tests.support.writer seed` makes a family and prints
`child_id email`; `python -m tests.support.writer tap CHILD_ID EMAIL COUNT START_AT` waits until
START_AT (a Unix time), then sends COUNT "+1" taps through the real view stack and prints
the HTTP statuses as JSON."""

from __future__ import annotations

import json
import os
import sys
import time
import uuid


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from datetime import date

    from django.test import Client

    from caregiver.models import Child, Membership, User

    if argv[0] == "seed":
        user = User.objects.create_user(email="writer@example.com", password="unused-in-this-test")
        child = Child.objects.create(name="Robin", born_on=date(2026, 1, 1), time_zone="Europe/Berlin")
        Membership.objects.create(user=user, child=child, role="owner")
        print(child.public_id, user.email)
        return
    _tap, child_id, email, count, start_at = argv
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=email))
    while time.time() < float(start_at):
        time.sleep(0.001)
    statuses = []
    for _ in range(int(count)):
        response = client.post(f"/c/{child_id}/tally/", {"client_uuid": str(uuid.uuid4())})
        statuses.append(response.status_code)
    print(json.dumps(statuses))


if __name__ == "__main__":
    main(sys.argv[1:])
