"""Fixtures shared by the seizure tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child
from seizures.models import Cluster, Episode, Treatment


@pytest.fixture
def history(child, owner, caregiver_user, clinician) -> Child:
    now = timezone.now().replace(microsecond=123456)
    cluster = Cluster.objects.create(child=child, started_at=now - timedelta(hours=3), last_at=now - timedelta(hours=2))
    Episode.objects.create(
        child=child,
        started_at=now - timedelta(days=3),
        duration_seconds=185,
        apnea=True,
        jerking=True,
        jerking_side="left",
        jerking_limb="arm",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 70}],
        rescue_medicine="Buccal midazolam 2.5 mg",
        rescue_given_at=now - timedelta(days=3) + timedelta(minutes=5),
        notes='Wörter, emoji 🙂, and a "quote"',
        logged_by=caregiver_user,
    )
    for minutes in (0, 20, 40):
        Episode.objects.create(
            child=child,
            started_at=now - timedelta(hours=3) + timedelta(minutes=minutes),
            is_tally=True,
            cluster=cluster,
            logged_by=owner,
        )
    Episode.objects.create(child=child, started_at=now - timedelta(days=1), deleted_at=now, logged_by=owner)
    Treatment.objects.create(child=child, kind="quinidine", dose="10 mg/kg/day", started_on=date(2026, 4, 1))
    Treatment.objects.create(
        child=child, kind="other", name="Levetiracetam", started_on=date(2026, 3, 10), stopped_on=date(2026, 4, 2)
    )
    audit.record(owner, "edit", child=child, obj=child, summary="Changed rescue plan")
    return child
