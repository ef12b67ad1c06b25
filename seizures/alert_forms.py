"""The alerts page's forms: a member's choices, and a browser's push subscription (sent by
seizures/static/seizures/alerts.js as the Push API gives it)."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caregiver.models import Child
from seizures.alert_models import AlertPreference, Channel


class AlertPreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["started", "threshold", "rescue", "cluster", "dose", "channel"]
        widgets = {"channel": forms.RadioSelect}

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold"].help_text = _(
            "When a seizure is still going after %(minutes)s minutes, with the rescue plan."
        ) % {"minutes": child.rescue_threshold_minutes}
        self.fields["rescue"].help_text = _("What was given, and by whom.")
        self.fields["dose"].help_text = _(
            "When a medicine’s scheduled dose is neither given nor skipped 30 minutes after it was due."
        )
        if child.cluster_alert_count and child.cluster_alert_hours:
            self.fields["cluster"].help_text = _("When %(count)s seizures happen within %(hours)s hours.") % {
                "count": child.cluster_alert_count,
                "hours": child.cluster_alert_hours,
            }
        else:
            self.fields["cluster"].help_text = _("No cluster alert is set for %(name)s (an owner sets it).") % {
                "name": child.name
            }
        self.fields["channel"].choices = Channel.choices


def _key_bytes(value: str, length: int, message: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError(message) from None
    if len(raw) != length:
        raise ValidationError(message)
    return value


class PushSubscriptionForm(forms.Form):
    """The browser's subscription: the push service's https address and its two keys."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise ValidationError(_("The push service's address must start with https://."))
        return endpoint

    def clean_p256dh(self) -> str:
        value = _key_bytes(self.cleaned_data["p256dh"], 65, _("This browser key is not a P-256 public key."))
        if base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))[0] != 4:
            raise ValidationError(_("This browser key is not a P-256 public key."))
        return value

    def clean_auth(self) -> str:
        return _key_bytes(self.cleaned_data["auth"], 16, _("This browser secret is not 16 bytes."))
