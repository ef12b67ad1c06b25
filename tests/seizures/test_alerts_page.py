"""The alerts page: each member's own choices and devices, whatever their role."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.models import AuditEvent, User
from seizures import recording
from seizures.alert_models import Alert, AlertPreference, Kind, PushSubscription
from tests.support.fuzz import examples
from tests.support.push import BrowserKeys

FUZZ = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
junk = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.sampled_from(["", "on", "push", "email", "sms", "\x00", "https://push.example.com/x", "BAAA"]),
)
CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile"


def url(child, rest: str = "") -> str:
    return f"/c/{child.public_id}/alerts/{rest}"


def subscription_json(endpoint="https://push.example.com/send/abc", keys=None) -> str:
    keys = keys or BrowserKeys()
    return json.dumps(
        {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}
    )


def test_anonymous_is_sent_to_sign_in(client, child):
    response = client.get(url(child))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404(client, child, outsider):
    client.force_login(outsider)
    assert client.get(url(child)).status_code == 404


def test_wrong_method_is_405(owner_client, child):
    assert owner_client.put(url(child)).status_code == 405
    assert owner_client.get(url(child, "devices/")).status_code == 405


def test_page_shows_the_role_defaults(owner_client, child, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = owner_client.get(url(child))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["started"].value(), form["threshold"].value(), form["rescue"].value()) == (False, True, True)
    assert "When a seizure is still going after 5 minutes" in response.content.decode()


def test_a_clinician_starts_with_nothing_and_may_choose(client, child, clinician):
    client.force_login(clinician)
    form = client.get(url(child)).context["form"]
    assert not any(form[name].value() for name in ("started", "threshold", "rescue", "cluster"))
    response = client.post(url(child), {"started": "on", "channel": "email"})
    assert response.status_code == 302
    preference = AlertPreference.objects.get(membership__user=clinician)
    assert preference.kinds() == {Kind.STARTED} and preference.channel == "email"


def test_saving_choices_is_audited_and_shown(owner_client, child, owner):
    response = owner_client.post(url(child), {"started": "on", "cluster": "on", "channel": "push"}, follow=True)
    assert "Your alerts for Robin are saved." in response.content.decode()
    preference = AlertPreference.objects.get(membership__user=owner)
    assert preference.kinds() == {Kind.STARTED, Kind.CLUSTER}
    assert AuditEvent.objects.filter(action="edit", summary="Changed which alerts they get").exists()


def test_an_unknown_channel_is_a_clear_error(owner_client, child):
    response = owner_client.post(url(child), {"started": "on", "channel": "pigeon"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AlertPreference.objects.exists()


def test_this_browser_subscribes_with_its_label(owner_client, child, owner, settings):
    response = owner_client.post(
        url(child, "devices/"), subscription_json(), content_type="application/json", HTTP_USER_AGENT=CHROME_ANDROID
    )
    assert response.status_code == 201
    assert response.json()["label"] == "Chrome on Android"
    device = PushSubscription.objects.get()
    assert device.user == owner and device.endpoint == "https://push.example.com/send/abc"
    # Subscribing again (new keys) updates the one device.
    assert (
        owner_client.post(url(child, "devices/"), subscription_json(), content_type="application/json").status_code
        == 201
    )
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"endpoint": "http://push.example.com/x", "keys": {"p256dh": BrowserKeys().p256dh, "auth": "AAAA"}}),
        json.dumps({"endpoint": "https://push.example.com/x", "keys": {"p256dh": "short", "auth": BrowserKeys().auth}}),
        json.dumps({"endpoint": "https://push.example.com/x"}),
    ],
)
def test_a_bad_subscription_is_refused_with_reasons(owner_client, child, body):
    response = owner_client.post(url(child, "devices/"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_devices_listed_tested_and_removed(owner_client, child, owner, caregiver_user):
    mine = PushSubscription.objects.create(
        user=owner, endpoint="https://p.example/1", p256dh="a", auth="b", label="Pixel"
    )
    theirs = PushSubscription.objects.create(user=caregiver_user, endpoint="https://p.example/2", p256dh="a", auth="b")
    page = owner_client.get(url(child)).content.decode()
    assert "Send a test to Pixel" in page and "Remove Pixel" in page
    assert owner_client.post(url(child, f"devices/{theirs.public_id}/test/")).status_code == 404
    assert owner_client.post(url(child, f"devices/{theirs.public_id}/remove/")).status_code == 404
    response = owner_client.post(url(child, f"devices/{mine.public_id}/test/"), follow=True)
    assert "A test alert is on its way" in response.content.decode()
    test = Alert.objects.get()
    assert test.kind == Kind.TEST and test.membership.user == owner
    response = owner_client.post(url(child, f"devices/{mine.public_id}/remove/"), follow=True)
    assert "Pixel will get no more alerts." in response.content.decode()
    assert list(PushSubscription.objects.all()) == [theirs]


def test_without_vapid_keys_the_page_says_email(owner_client, child, settings):
    settings.VAPID_PUBLIC_KEY = ""
    page = owner_client.get(url(child)).content.decode()
    assert "not set up on this server" in page and "push-subscribe" not in page


def test_with_vapid_keys_the_page_offers_this_device(owner_client, child, settings):
    settings.VAPID_PUBLIC_KEY = "BPublicKey"
    page = owner_client.get(url(child)).content.decode()
    assert 'data-key="BPublicKey"' in page and "Turn on alerts on this device" in page


@pytest.mark.django_db
@FUZZ
@given(started=junk, threshold=junk, rescue=junk, cluster=junk, channel=junk)
def test_choices_form_never_fails(client, child, owner, started, threshold, rescue, cluster, channel):
    client.force_login(owner)
    data = {
        k: v for k, v in {"started": started, "threshold": threshold, "rescue": rescue, "cluster": cluster}.items() if v
    }
    if channel is not None:
        data["channel"] = channel
    response = client.post(url(child), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "Please correct the marked fields" in response.content.decode()


@pytest.mark.django_db
@FUZZ
@given(endpoint=junk, p256dh=junk, auth=junk, raw=st.one_of(st.none(), st.text(max_size=100)))
def test_subscription_endpoint_never_fails(client, child, owner, endpoint, p256dh, auth, raw):
    client.force_login(owner)
    body = raw if raw is not None else json.dumps({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
    response = client.post(url(child, "devices/"), body, content_type="application/json")
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert response.json()["errors"]


def test_staff_see_the_queue_read_only(client, child, owner, caregiver_user):
    recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now())
    staff = User.objects.create_superuser(email="staff@example.org", password="a long staff passphrase 1")
    client.force_login(staff)
    page = client.get("/admin/seizures/alert/")
    assert page.status_code == 200 and "threshold" in page.content.decode()
    alert = Alert.objects.get()
    assert client.post(f"/admin/seizures/alert/{alert.pk}/delete/").status_code == 403
    assert client.get("/admin/seizures/alert/add/").status_code == 403
