"""The device API, persona by persona: an owner's write token, a read-only token, a revoked
token, a token of another child; the same rules as the phone (a start joins the running
seizure, a retried client UUID changes nothing, taps land in the cluster); audit events name
the token; a rate limit per token; the OpenAPI document lists every operation."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from caregiver import devices
from caregiver.models import AuditEvent, DeviceToken, Membership, Role
from seizures.models import Dose, Episode
from tests.conftest import join, make_child, make_user
from tests.support.factories import make_medicine

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock_and_fresh_limits(db):
    cache.clear()  # the rate limit's counts
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def token_for(child, *, read_only: bool = False, name: str = "bedside button") -> str:
    child.membership = Membership.objects.filter(child=child, role=Role.OWNER).first()
    return devices.issue(child, child.membership.user, name=name, read_only=read_only)[1]


class Device:
    """A device holding one token, calling the API as a script would."""

    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict | None = None):
        return self.client.post(
            f"/api/v1/{path}", json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def get(self, path: str, **query):
        return self.client.get(f"/api/v1/{path}", query, headers=self.headers)


@pytest.fixture
def device(client, child):
    return Device(client, token_for(child))


def test_a_start_and_an_end_time_one_seizure_and_the_trail_names_the_token(device, child) -> None:
    started = device.post(f"children/{child.public_id}/seizures/start", {"client_uuid": str(uuid.uuid4())})
    assert started.status_code == 201
    seizure = started.json()["seizure"]
    assert seizure["in_progress"] is True
    with time_machine.travel(NOW + timedelta(seconds=95), tick=False):
        ended = device.post(f"children/{child.public_id}/seizures/{seizure['id']}/end")
    assert ended.status_code == 200 and ended.json()["created"] is True
    episode = Episode.objects.get(public_id=seizure["id"])
    assert (episode.in_progress, episode.duration_seconds) == (False, 95)
    summaries = list(AuditEvent.objects.filter(child=child, object_type="episode").values_list("summary", flat=True))
    assert summaries and all(s.endswith("via device token “bedside button”") for s in summaries)
    # Ending again changes nothing.
    again = device.post(f"children/{child.public_id}/seizures/{seizure['id']}/end")
    assert again.status_code == 200 and again.json()["created"] is False


def test_a_retried_start_and_a_press_near_a_running_seizure_join_it(device, child) -> None:
    key = str(uuid.uuid4())
    first = device.post(f"children/{child.public_id}/seizures/start", {"client_uuid": key}).json()
    retried = device.post(f"children/{child.public_id}/seizures/start", {"client_uuid": key})
    assert retried.status_code == 200 and retried.json()["seizure"]["id"] == first["seizure"]["id"]
    # A second press (no key) while the seizure is being timed joins it, as a second phone would.
    pressed = device.post(f"children/{child.public_id}/seizures/start")
    assert pressed.json()["joined"] is True and pressed.json()["seizure"]["id"] == first["seizure"]["id"]
    assert Episode.objects.filter(child=child).count() == 1


def test_signs_are_set_with_the_timers_rules(device, child) -> None:
    seizure = device.post(f"children/{child.public_id}/seizures/start").json()["seizure"]
    url = f"children/{child.public_id}/seizures/{seizure['id']}/signs"
    assert device.post(url, {"sign": "apnea", "value": True}).json()["seizure"]["signs"] == {"apnea": True}
    assert device.post(url, {"sign": "onset", "value": "asleep"}).json()["seizure"]["onset"] == "asleep"
    sided = device.post(url, {"sign": "jerking_side", "value": "left"}).json()["seizure"]
    assert sided["signs"]["jerking_side"] == "left"
    refused = device.post(url, {"sign": "jerking_side", "value": "upwards"})
    assert refused.status_code == 422 and refused.json()["detail"]
    assert device.post(url, {"sign": "not_a_sign", "value": True}).status_code == 422
    assert Episode.objects.get(public_id=seizure["id"]).jerking_side == "left"


def test_taps_count_once_land_in_one_cluster_and_can_be_taken_back(device, child) -> None:
    key = str(uuid.uuid4())
    tap = device.post(f"children/{child.public_id}/tally", {"client_uuid": key})
    assert tap.status_code == 201 and tap.json()["seizure"]["counted_with_plus_one"] is True
    assert device.post(f"children/{child.public_id}/tally", {"client_uuid": key}).status_code == 200
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        device.post(f"children/{child.public_id}/tally")
    taps = Episode.objects.filter(child=child, is_tally=True)
    assert taps.count() == 2 and len({t.cluster_id for t in taps}) == 1
    undone = device.post(f"children/{child.public_id}/tally/{tap.json()['seizure']['id']}/undo")
    assert undone.status_code == 200 and undone.json()["created"] is True
    assert Episode.objects.for_child(child).live().count() == 1


def test_times_must_carry_their_offset_and_not_be_in_the_future(device, child) -> None:
    url = f"children/{child.public_id}/seizures/start"
    assert device.post(url, {"started_at": "2026-11-20T11:00:00"}).status_code == 422
    assert device.post(url, {"started_at": "2026-11-20T13:00:00+00:00"}).status_code == 422
    assert device.post(url, {"started_at": "not a time"}).status_code == 422
    assert device.post(f"children/{child.public_id}/tally", {"client_uuid": "nope"}).status_code == 422
    assert not Episode.objects.exists()


def test_list_seizures_pages_by_time_without_skipping_ties(device, child) -> None:
    for n in range(5):
        Episode.objects.create(child=child, started_at=NOW - timedelta(hours=n // 2), duration_seconds=60)
    seen, after = [], None
    while True:
        page = device.get(f"children/{child.public_id}/seizures", limit=2, **({"after": after} if after else {}))
        assert page.status_code == 200
        seen += [s["id"] for s in page.json()["seizures"]]
        after = page.json()["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 5
    starts = [Episode.objects.get(public_id=i).started_at for i in seen]
    assert starts == sorted(starts, reverse=True)
    assert device.get(f"children/{child.public_id}/seizures", after="garbage").status_code == 422
    assert device.get(f"children/{child.public_id}/seizures", limit=0).status_code == 422


def test_a_read_only_token_lists_but_cannot_write(client, child) -> None:
    reader = Device(client, token_for(child, read_only=True, name="kitchen display"))
    assert reader.get(f"children/{child.public_id}/seizures").status_code == 200
    assert reader.post(f"children/{child.public_id}/seizures/start").status_code == 403
    assert reader.post(f"children/{child.public_id}/tally").status_code == 403
    assert not Episode.objects.exists()


def test_revoked_and_unknown_tokens_are_refused(client, child) -> None:
    plain = token_for(child)
    device = Device(client, plain)
    assert device.get(f"children/{child.public_id}/seizures").status_code == 200
    token = DeviceToken.objects.get()
    devices.revoke(child, child.membership.user, token)
    assert device.get(f"children/{child.public_id}/seizures").status_code == 401
    assert Device(client, "msd_guessed").post(f"children/{child.public_id}/seizures/start").status_code == 401
    assert client.get(f"/api/v1/children/{child.public_id}/seizures").status_code == 401  # no token at all


def test_a_token_never_reaches_another_child_even_of_the_same_owner(client, child, owner, outsider) -> None:
    sibling = make_child(owner, name="Kit")
    device = Device(client, token_for(child))
    other_family = outsider.memberships.get().child
    for other in (sibling, other_family):
        assert device.get(f"children/{other.public_id}/seizures").status_code == 404
        assert device.post(f"children/{other.public_id}/seizures/start").status_code == 404
    assert not Episode.objects.exists()
    assert device.get(f"children/{uuid.uuid4()}/seizures").status_code == 404


def test_a_token_has_its_makers_rights_as_they_are_now(client, child, owner) -> None:
    second = make_user("second-owner@example.org")
    join(second, child, Role.OWNER)
    membership = Membership.objects.get(user=second, child=child)
    child.membership = membership
    device = Device(client, devices.issue(child, second, name="watch", read_only=False)[1])
    assert device.post(f"children/{child.public_id}/tally").status_code == 201
    Membership.objects.filter(pk=membership.pk).update(role=Role.CLINICIAN)
    assert device.post(f"children/{child.public_id}/tally").status_code == 403
    membership.delete()  # off the team: their tokens go with them
    assert device.post(f"children/{child.public_id}/tally").status_code == 401


def test_the_rate_limit_is_counted_in_the_database_shared_by_every_worker(client, child, _clock_and_fresh_limits):
    """A per-process count would let four gunicorn workers take four times the limit."""
    from django.db import connection

    Device(client, token_for(child)).get(f"children/{child.public_id}/seizures")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM cache_table")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("throttle" in key for key in keys), keys


def test_each_token_has_its_own_rate_limit(client, child, settings, _clock_and_fresh_limits) -> None:
    busy, quiet = Device(client, token_for(child)), Device(client, token_for(child, name="watch"))
    url = f"children/{child.public_id}/seizures"
    for _ in range(60):
        assert busy.get(url).status_code == 200
    refused = busy.get(url)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert quiet.get(url).status_code == 200
    _clock_and_fresh_limits.shift(timedelta(seconds=61))
    assert busy.get(url).status_code == 200


def test_the_openapi_document_lists_every_operation(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert operations == {
        "start_seizure", "end_seizure", "add_tally", "undo_tally", "set_sign", "list_seizures", "give_dose"
    }  # fmt: skip
    assert document["components"]["securitySchemes"]["DeviceBearer"]["scheme"] == "bearer"


def test_give_dose_once_warns_of_a_dose_already_given_and_records_an_extra_on_purpose(client, child, owner) -> None:
    medicine = make_medicine(child, "Phenobarbital", times=("08:00", "20:00"), started_on=date(2026, 11, 1))
    due = "2026-11-20T08:00:00+00:00"  # London: GMT in November
    kitchen, watch = Device(client, token_for(child, name="kitchen button")), Device(client, token_for(child))
    url = f"children/{child.public_id}/doses"
    key = str(uuid.uuid4())
    given = kitchen.post(url, {"client_uuid": key, "medicine": str(medicine.public_id), "due_at": due})
    assert given.status_code == 201 and given.json()["already_given_by"] is None
    assert (
        kitchen.post(url, {"client_uuid": key, "medicine": str(medicine.public_id), "due_at": due}).status_code == 200
    )
    again = watch.post(url, {"medicine": str(medicine.public_id), "due_at": due})
    assert again.status_code == 409 and again.json()["id"] is None
    assert again.json()["already_given_by"] == str(owner)
    extra = watch.post(url, {"medicine": str(medicine.public_id), "due_at": due, "extra": True})
    assert extra.status_code == 201 and extra.json()["extra"] is True
    assert [d.extra for d in Dose.objects.order_by("pk")] == [False, True]
    summaries = AuditEvent.objects.filter(child=child, object_type="dose").values_list("summary", flat=True)
    assert any(s.endswith("via device token “kitchen button”") for s in summaries)


def test_give_dose_refuses_what_is_not_a_due_dose_of_this_child(client, child, outsider) -> None:
    medicine = make_medicine(child, started_on=date(2026, 11, 1))
    device, url = Device(client, token_for(child)), f"children/{child.public_id}/doses"
    off_schedule = device.post(url, {"medicine": str(medicine.public_id), "due_at": "2026-11-20T09:30:00+00:00"})
    assert off_schedule.status_code == 422
    theirs = make_medicine(outsider.memberships.get().child)
    assert (
        device.post(url, {"medicine": str(theirs.public_id), "due_at": "2026-11-20T08:00:00+00:00"}).status_code == 404
    )
    reader = Device(client, token_for(child, read_only=True, name="display"))
    assert (
        reader.post(url, {"medicine": str(medicine.public_id), "due_at": "2026-11-20T08:00:00+00:00"}).status_code
        == 403
    )
    assert not Dose.objects.exists()


# --- The token pages -----------------------------------------------------------------------------
def test_an_owner_makes_a_token_sees_it_once_and_revokes_it(owner_client, child) -> None:
    url = reverse("device-tokens", args=[child.public_id])
    made = owner_client.post(url, {"name": "bedside button"})
    assert made.status_code == 200
    plain = made.context["plain"]
    assert plain.startswith("msd_") and plain in made.content.decode()
    token = DeviceToken.objects.get()
    assert token.token_hash != plain and plain not in owner_client.get(url).content.decode()
    assert Device(owner_client, plain).get(f"children/{child.public_id}/seizures").status_code == 200
    owner_client.post(reverse("device-token-revoke", args=[child.public_id, token.public_id]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(child=child, object_type="devicetoken").count() == 2


def test_the_token_form_says_what_is_wrong(owner_client, child) -> None:
    response = owner_client.post(reverse("device-tokens", args=[child.public_id]), {"name": ""})
    assert response.status_code == 400 and response.context["form"].errors["name"]
    assert not DeviceToken.objects.exists()


def test_only_owners_manage_tokens(client, child, caregiver_user, clinician, outsider) -> None:
    url = reverse("device-tokens", args=[child.public_id])
    for user, status in ((caregiver_user, 403), (clinician, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"name": "sneaky"}).status_code == status
    assert not DeviceToken.objects.exists()


def test_the_command_prints_a_working_token(client, child, capsys) -> None:
    call_command("create_device_token", str(child.public_id), "shortcut", "--read-only")
    plain = capsys.readouterr().out.strip()
    device = Device(client, plain)
    assert device.get(f"children/{child.public_id}/seizures").status_code == 200
    assert device.post(f"children/{child.public_id}/tally").status_code == 403


def test_download_all_data_lists_the_tokens_but_never_their_secret(owner_client, child) -> None:
    plain = token_for(child)
    text = owner_client.get("/account/export.json").content.decode()
    [exported] = json.loads(text)["children"]
    assert [(t["name"], t["read_only"], t["revoked_at"]) for t in exported["device_tokens"]] == [
        ("bedside button", False, None)
    ]
    assert plain not in text and DeviceToken.objects.get().token_hash not in text
