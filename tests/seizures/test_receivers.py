"""What seizures adds to the account export and to the demo family."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from caregiver.export import user_export
from caregiver.models import Child
from seizures.models import Cluster, Dose, DoseVersion, Episode, Medicine, Treatment, Weight
from tests.support.factories import make_episode, make_treatment

pytestmark = pytest.mark.django_db


def test_export_carries_episodes_with_signs_path_and_deleted_ones_and_treatments(child, owner) -> None:
    make_episode(
        child,
        jerking=True,
        jerking_side="left",
        jerking_limb="arm",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 20}],
        logged_by=owner,
    )
    make_episode(child, deleted_at=child.created_at)
    make_treatment(child, dose="10 mg/kg/day")
    record = user_export(owner)["children"][0]
    first = record["episodes"][0]
    assert first["signs"]["jerking_side"] == "left" and first["migrated"] and first["logged_by"] == owner.email
    assert [e["deleted_at"] is not None for e in record["episodes"]] == [False, True]
    assert record["treatments"][0]["dose"] == "10 mg/kg/day"


def test_demo_history_is_six_months_believable_repeatable_and_fast() -> None:
    started = time.perf_counter()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    elapsed = time.perf_counter() - started
    child = Child.objects.get(name="Mia")
    episodes = Episode.objects.for_child(child).live()
    total = episodes.count()
    assert 600 < total < 3000 and elapsed < 20
    first, last = episodes.order_by("started_at").first(), episodes.order_by("started_at").last()
    assert (last.started_at - first.started_at).days >= 170
    # Rising frequency: the last month has more than the first.
    month = (last.started_at - first.started_at) / 6
    early = episodes.filter(started_at__lt=first.started_at + month).count()
    late = episodes.filter(started_at__gte=last.started_at - month).count()
    assert late > early
    assert episodes.filter(migrated=True).count() > total / 10
    assert episodes.filter(is_tally=True).count() > 50 and Cluster.objects.filter(child=child).count() >= 5
    assert Treatment.objects.for_child(child).filter(stopped_on__isnull=False).exists()
    assert Treatment.objects.for_child(child).filter(stopped_on__isnull=True).exists()
    for episode in episodes.filter(is_tally=False)[:300]:
        episode.full_clean()
    # Every medicine treatment is a medicine; quinidine's dose was raised; the latest days' doses.
    assert sorted(Medicine.objects.filter(child=child).values_list("name", flat=True)) == [
        "ACTH", "Phenytoin", "Quinidine"
    ]  # fmt: skip
    assert DoseVersion.objects.filter(medicine__name="Quinidine").count() == 2
    for version in DoseVersion.objects.filter(child=child):
        version.full_clean()
    assert Dose.objects.filter(child=child, status="given").count() > 20
    assert Weight.objects.filter(child=child).count() >= 6
    signature = list(episodes.order_by("started_at").values_list("started_at", "duration_seconds", "apnea")[:50])

    Episode.objects.all().delete()
    Treatment.objects.all().delete()
    from seizures.demo import seed_history

    seed_history(child, [m.user for m in child.memberships.all()])
    again = list(episodes.order_by("started_at").values_list("started_at", "duration_seconds", "apnea")[:50])
    assert [(d, a) for _s, d, a in again] == [(d, a) for _s, d, a in signature]
