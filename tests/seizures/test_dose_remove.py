"""A dose recorded by mistake can be removed: its due time is open again (or taken by the
extra dose someone really gave). So can a dose change typed wrong: the version before it
applies again, and a medicine keeps at least one. Each removal is audited, and only owners
and caregivers of this child may do it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures import dues
from seizures.models import Dose, DoseVersion
from tests.seizures.test_doses import _give, _home, _local
from tests.support.factories import make_medicine

pytestmark = pytest.mark.django_db


@pytest.fixture
def ny_child(child):
    child.time_zone = "America/New_York"
    child.save()
    return child


def _remove(client, child, dose, back: str = "home"):
    return client.post(reverse("seizures:dose-remove", args=[child.public_id, dose.public_id]), {"back": back})


def test_a_dose_tapped_by_mistake_is_removed_and_due_again(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, "Levetiracetam", times=("08:00", "20:00"))
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0))
        page = owner_client.get(_home(ny_child)).content.decode()
        assert "Recorded by mistake?" in page and "Nothing due now." in page
        response = _remove(owner_client, ny_child, Dose.objects.get())
        assert response.status_code == 302 and response["Location"] == _home(ny_child)
        page = owner_client.get(_home(ny_child)).content.decode()
        due = dues.due_list(ny_child)
    assert not Dose.objects.exists()
    assert "Removed the record of Levetiracetam due 1 May 08:00." in page
    assert [slot.scheduled_at for slot in due.now] == [_local(2026, 5, 1, 8, 0)]
    event = AuditEvent.objects.filter(object_type="dose", action="delete").get()
    assert event.summary.startswith("Removed: Gave Levetiracetam due")


def test_removing_the_first_dose_hands_its_place_to_the_extra_one(owner_client, ny_child, caregiver_user) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    due = _local(2026, 5, 1, 8, 0)
    other = Client()
    other.force_login(caregiver_user)
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, due)
        _give(other, ny_child, medicine, due, extra="on")
        _remove(owner_client, ny_child, Dose.objects.get(extra=False))
    dose = Dose.objects.get()
    assert dose.logged_by == caregiver_user and not dose.extra
    # The due time is held again: a third tap is asked to confirm, not stored.
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        assert _give(owner_client, ny_child, medicine, due).status_code == 409


def test_the_medicine_page_offers_removal_and_comes_back_to_itself(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    page_url = reverse("seizures:medicine", args=[ny_child.public_id, medicine.public_id])
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), status="skipped", reason="Asleep")
        assert "Remove this record" in owner_client.get(page_url).content.decode()
        response = _remove(owner_client, ny_child, Dose.objects.get(), back="medicine")
    assert response["Location"] == page_url and not Dose.objects.exists()


def test_clinicians_cannot_remove_and_see_no_button(client, ny_child, owner_client, clinician) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0))
        client.force_login(clinician)
        assert _remove(client, ny_child, Dose.objects.get()).status_code == 403
        page = client.get(reverse("seizures:medicine", args=[ny_child.public_id, medicine.public_id])).content.decode()
    assert "Remove this record" not in page and Dose.objects.count() == 1


def test_another_familys_dose_is_404_and_so_is_a_second_removal(owner_client, ny_child, outsider) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    theirs = outsider.memberships.get().child
    outsider_client = Client()
    outsider_client.force_login(outsider)
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0))
        dose = Dose.objects.get()
        assert _remove(owner_client, theirs, dose).status_code == 404  # not a member there
        assert _remove(outsider_client, theirs, dose).status_code == 404  # their own child, our dose
        assert _remove(outsider_client, ny_child, dose).status_code == 404  # our child
        assert _remove(owner_client, ny_child, dose).status_code == 302
        assert _remove(owner_client, ny_child, dose).status_code == 404
        url = reverse("seizures:dose-remove", args=[ny_child.public_id, dose.public_id])
        assert owner_client.get(url).status_code == 405


def _versions_url(child, medicine, version) -> str:
    return reverse("seizures:medicine-dose-remove", args=[child.public_id, medicine.public_id, version.public_id])


def test_a_dose_change_entered_by_mistake_is_removed_and_the_one_before_applies(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",), dose="2.5", dose_unit="mL")
    wrong = DoseVersion.objects.create(
        child=ny_child, medicine=medicine, starts_on=medicine.versions.get().starts_on + timedelta(days=5),
        dose=Decimal("25"), dose_unit="mL", times=["08:00"],
    )  # fmt: skip
    page_url = reverse("seizures:medicine", args=[ny_child.public_id, medicine.public_id])
    assert "Entered by mistake?" in owner_client.get(page_url).content.decode()
    response = owner_client.post(_versions_url(ny_child, medicine, wrong))
    assert response["Location"] == page_url
    assert list(medicine.versions.values_list("dose", flat=True)) == [Decimal("2.5")]
    page = owner_client.get(page_url).content.decode()
    assert "the one before it applies again" in page and "Entered by mistake?" not in page
    assert "Removed the dose of" in AuditEvent.objects.filter(object_type="medicine").latest("pk").summary
    # The last one stays: a medicine always has a dose.
    only = medicine.versions.get()
    owner_client.post(_versions_url(ny_child, medicine, only))
    assert medicine.versions.count() == 1
    assert "keeps at least one dose" in owner_client.get(page_url).content.decode()


def test_a_dose_version_of_another_medicine_or_family_is_404_and_clinicians_403(
    client, owner_client, ny_child, clinician, outsider
) -> None:
    mine = make_medicine(ny_child, "Levetiracetam")
    other = make_medicine(ny_child, "Phenobarbital")
    version = other.versions.get()
    assert owner_client.post(_versions_url(ny_child, mine, version)).status_code == 404
    client.force_login(clinician)
    assert client.post(_versions_url(ny_child, other, version)).status_code == 403
    client.force_login(outsider)
    assert client.post(_versions_url(ny_child, other, version)).status_code == 404
    assert other.versions.count() == 1
