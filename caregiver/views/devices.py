"""Device tokens for the device API: owners make them (each shown once) and revoke them."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from caregiver import devices
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.forms import DeviceTokenForm
from caregiver.models import DeviceToken


@never_cache  # the answer to a POST holds the one showing of a new token
@require_http_methods(["GET", "POST"])
def device_tokens(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    form = DeviceTokenForm(request.POST or None)
    plain = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, plain = devices.issue(child, request.user, **form.cleaned_data)
            form = DeviceTokenForm()
        else:
            status = 400
    tokens = DeviceToken.objects.filter(membership__child=child).select_related("membership__user")
    context = {"child": child, "form": form, "plain": plain, "tokens": tokens}
    return render(request, "caregiver/device_tokens.html", context, status=status)


@require_POST
def device_token_revoke(request: AuthedRequest, child_id: UUID, token_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    token = get_object_or_404(DeviceToken, membership__child=child, public_id=token_id)
    devices.revoke(child, request.user, token)
    return redirect("device-tokens", child.public_id)
