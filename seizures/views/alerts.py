"""A member's alerts for one child: which events reach them and how, and their devices (turn
alerts on in this browser, send a test, remove one). Every member may change their own
choices and devices, clinicians included: these are theirs, not the child's records."""

from __future__ import annotations

import json
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from caregiver.access import AuthedRequest, child_for
from seizures import recording_alerts
from seizures.alert_forms import AlertPreferenceForm, PushSubscriptionForm
from seizures.alert_models import AlertPreference, PushSubscription

# Browsers and systems named in a device's label, first match wins (Edge and Opera say
# "Chrome" too, Chrome says "Safari").
BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]  # fmt: skip


def device_label(user_agent: str) -> str:
    """ "Chrome on Android" from a User-Agent header, for the member's list of devices."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), _("A browser"))
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system} if system else browser


@require_http_methods(["GET", "POST"])
def alerts(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The member's choices and devices. Two queries besides the child: the choices, the devices."""
    child = child_for(request, child_id)
    membership = child.membership
    preference = AlertPreference.objects.filter(membership=membership).first()
    form = AlertPreferenceForm(
        request.POST if request.method == "POST" else None,
        child=child,
        instance=preference or AlertPreference.defaults_for(membership),
    )
    if request.method == "POST" and form.is_valid():
        recording_alerts.save_preferences(child, request.user, form)
        messages.success(request, _("Your alerts for %(name)s are saved.") % {"name": child.name})
        return redirect("seizures:alerts", child_id=child.public_id)
    context = {
        "child": child,
        "form": form,
        "devices": PushSubscription.objects.filter(user=request.user),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
    }
    return render(request, "seizures/alerts.html", context, status=400 if form.errors else 200)


@require_POST
def device_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """This browser's push subscription, as JSON from alerts.js: 201 with the device, or 400
    with the form's errors."""
    child = child_for(request, child_id)
    try:
        sent = json.loads(request.body)
        keys = sent.get("keys") or {}
        data = {"endpoint": sent.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    except (ValueError, AttributeError):
        return JsonResponse({"errors": {"__all__": [_("This is not a push subscription.")]}}, status=400)
    form = PushSubscriptionForm(data)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    label = device_label(request.headers.get("User-Agent", ""))
    device = recording_alerts.subscribe(child, request.user, label=label, **form.cleaned_data)
    return JsonResponse({"device": str(device.public_id), "label": device.label}, status=201)


@require_POST
def device_test(request: AuthedRequest, child_id: UUID, device_id: UUID) -> HttpResponse:
    """Queues a test alert to the member (every one of their devices, or e-mail)."""
    child = child_for(request, child_id)
    get_object_or_404(PushSubscription, user=request.user, public_id=device_id)
    recording_alerts.queue_test(child, request.user)
    messages.success(request, _("A test alert is on its way: it should arrive within a few seconds."))
    return redirect("seizures:alerts", child_id=child.public_id)


@require_POST
def device_remove(request: AuthedRequest, child_id: UUID, device_id: UUID) -> HttpResponse:
    child = child_for(request, child_id)
    device = get_object_or_404(PushSubscription, user=request.user, public_id=device_id)
    recording_alerts.unsubscribe(child, request.user, device)
    messages.success(request, _("%(device)s will get no more alerts.") % {"device": device.label or _("The device")})
    return redirect("seizures:alerts", child_id=child.public_id)
