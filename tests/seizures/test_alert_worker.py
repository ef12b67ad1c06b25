"""The alert worker against a push service stand-in on 127.0.0.1: each request is decrypted
with the subscription's private key (RFC 8291) as the phone would, and its JSON checked."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from django.core import mail
from django.utils import timezone, translation

from seizures import alert_worker, recording
from seizures.alert_models import Alert, AlertPreference, Channel, Outcome, PushSubscription
from seizures.alert_worker import Worker
from tests.support.push import BrowserKeys, push_service, vapid_keys


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_keys()
    settings.VAPID_SUBJECT = "mailto:admin@example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://seizures.example.org"
    return settings


@pytest.fixture
def wants_started(child, caregiver_user):
    AlertPreference.objects.create(
        membership=caregiver_user.memberships.get(child=child), started=True, threshold=False, rescue=False
    )


def verified_claims(token: str, public_key: str) -> dict:
    """The VAPID JWT's claims, after checking its ES256 signature with the public key."""
    header, body, signature = token.split(".")
    raw = unb64(signature)
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public_key))
    key.verify(der, f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64(body))


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def subscribe(user, service, keys: BrowserKeys, name: str = "phone") -> PushSubscription:
    return PushSubscription.objects.create(
        user=user, endpoint=service.endpoint(name), p256dh=keys.p256dh, auth=keys.auth, label=name
    )


def start(child, user):
    return recording.start(child, user, key=uuid.uuid4(), started_at=timezone.now()).episode


def test_push_reaches_the_device_encrypted_and_signed(vapid, child, owner, caregiver_user, wants_started):
    keys = BrowserKeys()
    with push_service() as service:
        subscription = subscribe(caregiver_user, service, keys)
        episode = start(child, owner)
        assert Worker().run(once=True) == 1
    (request,) = service.received
    assert request.path == "/push/phone"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) > 0
    # The VAPID signature names the push service's origin and verifies with the public key.
    scheme, _, rest = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    assert fields["k"] == vapid.VAPID_PUBLIC_KEY
    claims = verified_claims(fields["t"], fields["k"])
    assert claims["aud"] == f"http://127.0.0.1:{service.port}"
    assert claims["sub"] == "mailto:admin@example.com"
    payload = keys.decrypt(request.body)
    assert payload["title"] == "Robin: a seizure started"
    assert payload["body"].startswith("Started at ") and payload["body"].endswith("logged by Alex.")
    assert payload["url"] == f"/c/{child.public_id}/seizures/{episode.public_id}/timer/"
    assert payload["icon"].endswith("icon-192.png")
    alert = Alert.objects.get()
    assert alert.outcome == Outcome.PUSHED and alert.sent_at is not None
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    assert mail.outbox == []


def test_threshold_alert_waits_for_the_threshold(vapid, child, owner, caregiver_user):
    keys = BrowserKeys()
    with push_service() as service:
        subscribe(caregiver_user, service, keys)
        start(child, owner)  # the threshold alert: due in 5 minutes
        assert Worker().run(once=True) == 0
        assert service.received == []
        with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
            assert Worker().run(once=True) == 1
    payload = keys.decrypt(service.received[0].body)
    assert payload["title"] == "Robin: seizure past 5 minutes"
    assert "still going. Rescue plan: Give buccal midazolam" in payload["body"]


def test_retry_on_500_then_success(vapid, child, owner, caregiver_user, wants_started):
    keys = BrowserKeys()
    with push_service(statuses=[500]) as service:
        subscribe(caregiver_user, service, keys)
        start(child, owner)
        assert Worker().run(once=True) == 0
        alert = Alert.objects.get()
        assert alert.outcome == Outcome.PENDING and alert.attempts == 1 and "500" in alert.last_error
        assert Worker().run(once=True) == 0  # waits for its backoff
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            assert Worker().run(once=True) == 1
    assert len(service.received) == 2
    assert keys.decrypt(service.received[1].body)["title"] == "Robin: a seizure started"
    assert Alert.objects.get().outcome == Outcome.PUSHED


def test_a_network_error_is_retried(vapid, child, owner, caregiver_user, wants_started):
    with push_service() as service:
        endpoint = service.endpoint("gone-away")
    keys = BrowserKeys()
    PushSubscription.objects.create(user=caregiver_user, endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth)
    start(child, owner)
    assert Worker().run(once=True) == 0
    alert = Alert.objects.get()
    assert alert.attempts == 1 and alert.last_error.startswith("network")


def test_410_forgets_the_device_and_falls_back_to_email(vapid, child, owner, caregiver_user, wants_started):
    with push_service(statuses=[410]) as service:
        subscribe(caregiver_user, service, BrowserKeys())
        start(child, owner)
        assert Worker().run(once=True) == 1
    assert not PushSubscription.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["grandma@example.com"]
    assert message.subject == "Robin: a seizure started"
    assert f"https://seizures.example.org/c/{child.public_id}/seizures/" in message.body
    assert Alert.objects.get().outcome == Outcome.EMAILED


def test_one_device_gone_the_other_still_gets_it(vapid, child, owner, caregiver_user, wants_started):
    with push_service(statuses=[404]) as service:
        subscribe(caregiver_user, service, BrowserKeys(), "old")
        subscribe(caregiver_user, service, BrowserKeys(), "new")
        start(child, owner)
        assert Worker().run(once=True) == 1
    gone, kept = (request.path.rsplit("/", 1)[1] for request in service.received)
    assert list(PushSubscription.objects.values_list("label", flat=True)) == [kept] != [gone]
    assert Alert.objects.get().outcome == Outcome.PUSHED
    assert mail.outbox == []


def test_email_when_chosen_or_no_device(vapid, child, owner, caregiver_user):
    AlertPreference.objects.create(
        membership=caregiver_user.memberships.get(child=child), started=True, channel=Channel.EMAIL
    )
    episode = start(child, owner)
    recording.end(child, owner, episode.public_id)
    assert Worker().run(once=True) == 1
    (message,) = mail.outbox
    assert message.subject == "Robin: seizure"
    assert "seizure at" in message.body and ", ended." in message.body


def test_each_member_hears_in_their_own_language(vapid, child, owner, caregiver_user, wants_started):
    """The worker has no browser to ask: a grandmother who chose Spanish gets Spanish on her
    phone and by e-mail, while the rest of the team stays in English."""
    caregiver_user.language = "es"
    caregiver_user.save()
    keys = BrowserKeys()
    with push_service() as service:
        subscribe(caregiver_user, service, keys)
        episode = start(child, owner)
        assert Worker().run(once=True) == 1
    payload = keys.decrypt(service.received[0].body)
    assert payload["title"] == "Robin: empezó una crisis"
    assert "Alex" in payload["body"] and "logged by" not in payload["body"]

    AlertPreference.objects.filter(membership__user=caregiver_user).update(channel=Channel.EMAIL)
    recording.end(child, owner, episode.public_id)
    start(child, owner)
    assert Worker().run(once=True) == 1
    assert mail.outbox[0].subject == "Robin: empezó una crisis"
    assert translation.get_language() == "en", "the worker's own language is left as it was"


def test_without_vapid_keys_alerts_go_by_email(settings, child, owner, caregiver_user, wants_started):
    settings.VAPID_PRIVATE_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with push_service() as service:
        subscribe(caregiver_user, service, BrowserKeys())
        start(child, owner)
        assert Worker().run(once=True) == 1
    assert service.received == []
    assert len(mail.outbox) == 1


def test_an_alert_for_a_deleted_seizure_is_skipped(vapid, child, owner, caregiver_user, wants_started):
    episode = start(child, owner)
    recording.delete(child, owner, episode.public_id)
    assert Worker().run(once=True) == 1
    assert Alert.objects.get().outcome == Outcome.SKIPPED
    assert mail.outbox == []


def test_stopping_mid_batch_gives_the_rest_back(vapid, child, owner, caregiver_user, wants_started):
    for hours in (3, 2, 1):
        recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now() - timedelta(hours=hours))
    worker = Worker()
    sent = []

    def deliver_then_stop(alert):
        sent.append(alert.pk)
        worker.stop.set()  # SIGTERM arrives while the first is being sent
        return Worker.deliver(worker, alert)

    worker.deliver = deliver_then_stop
    assert worker.run() == 1
    pending = Alert.objects.filter(outcome=Outcome.PENDING)
    assert pending.count() == 2 and not pending.filter(claimed_until__isnull=False).exists()
    assert Worker().run(once=True) == 2
    assert len(mail.outbox) == 3


def test_an_alert_that_fails_unexpectedly_is_put_back_and_the_rest_go(vapid, child, owner, caregiver_user, monkeypatch):
    AlertPreference.objects.create(
        membership=caregiver_user.memberships.get(child=child), started=True, threshold=False, rescue=False
    )
    first = start(child, owner)
    recording.end(child, owner, first.public_id)
    start(child, owner)
    real = alert_worker.message_for

    def broken_for_the_first(alert):
        if alert.episode_id == first.pk:
            raise RuntimeError("bad data")
        return real(alert)

    monkeypatch.setattr(alert_worker, "message_for", broken_for_the_first)
    assert Worker().run(once=True) == 1
    broken = Alert.objects.get(episode=first)
    assert broken.outcome == Outcome.PENDING and broken.attempts == 1 and "bad data" in broken.last_error
    assert len(mail.outbox) == 1


def test_an_alert_reached_long_after_its_event_is_dropped(vapid, child, owner, caregiver_user, wants_started):
    start(child, owner)
    with time_machine.travel(timezone.now() + timedelta(hours=13)):
        assert Worker().run(once=True) == 1
    alert = Alert.objects.get()
    assert alert.outcome == Outcome.SKIPPED and alert.last_error == "too old to be of use"
    assert mail.outbox == []


def test_an_alert_turned_off_after_it_was_queued_is_not_sent(vapid, child, owner, caregiver_user, wants_started):
    start(child, owner)
    AlertPreference.objects.filter(membership__user=caregiver_user).update(started=False)
    assert Worker().run(once=True) == 1
    alert = Alert.objects.get()
    assert alert.outcome == Outcome.SKIPPED and alert.last_error == "the member turned this alert off"
    assert mail.outbox == []
