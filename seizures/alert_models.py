"""Team alerts: what each member wants to hear about, where their phones are, and the outbox
of alerts waiting for the worker (`manage.py sendalerts`).

The models live in `seizures.models` (imported there); this module keeps them apart from
the episode models. Rows are written only by `seizures.recording_alerts`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caregiver.models import Child, Membership, Role


class Kind(models.TextChoices):
    """What an alert is about. A new kind (a dose overdue) adds a choice here, a preference
    field named after its value, its default in ROLE_DEFAULTS and its wording in
    `seizures.alert_text`."""

    STARTED = "started", _("A seizure started")
    THRESHOLD = "threshold", _("A seizure passed the rescue threshold")
    RESCUE = "rescue", _("Rescue medicine was given")
    CLUSTER = "cluster", _("Cluster alert (the child’s seizures in a few hours)")
    DOSE = "dose", _("A scheduled dose is 30 minutes overdue")
    # A member's "send a test" from the alerts page; never a preference.
    TEST = "test", _("Test")


PREFERENCE_KINDS = [Kind.STARTED, Kind.THRESHOLD, Kind.RESCUE, Kind.CLUSTER, Kind.DOSE]
# What a member gets before they choose (the issue: owners and caregivers hear about the two
# moments someone may need to act; a clinician hears nothing unless they ask).
ROLE_DEFAULTS = {
    Role.OWNER: {Kind.THRESHOLD, Kind.RESCUE},
    Role.CAREGIVER: {Kind.THRESHOLD, Kind.RESCUE},
    Role.CLINICIAN: set(),
}


def dose_event(medicine_id, due: datetime) -> str:
    """The event of a dose gone overdue: its medicine and due time (one alert per member)."""
    return f"{Kind.DOSE}:{medicine_id}:{due.isoformat()}"


def dose_of(event: str) -> tuple[str, datetime]:
    """The medicine id and due time `dose_event` wrote."""
    _kind, medicine_id, due = event.split(":", 2)
    return medicine_id, datetime.fromisoformat(due)


class Channel(models.TextChoices):
    PUSH = "push", _("On my phones and browsers (by e-mail when none is set up)")
    EMAIL = "email", _("By e-mail")


class AlertPreference(models.Model):
    """One member's choice of alerts for one child. No row: the role's defaults."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="alert_preference")
    started = models.BooleanField(_("a seizure started"), default=False)
    threshold = models.BooleanField(_("a seizure passed the rescue threshold"), default=True)
    rescue = models.BooleanField(_("rescue medicine was given"), default=True)
    cluster = models.BooleanField(_("cluster alert"), default=False)
    dose = models.BooleanField(_("a scheduled dose is 30 minutes overdue"), default=False)
    channel = models.CharField(_("how"), max_length=10, choices=Channel, default=Channel.PUSH)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Alerts for {self.membership}"

    def kinds(self) -> set[str]:
        return {kind for kind in PREFERENCE_KINDS if getattr(self, kind.value)}

    @classmethod
    def defaults_for(cls, membership: Membership) -> AlertPreference:
        """The unsaved preference a member has before choosing: the role's defaults."""
        wanted = ROLE_DEFAULTS.get(membership.role, set())
        return cls(membership=membership, **{kind.value: kind in wanted for kind in PREFERENCE_KINDS})


class PushSubscription(models.Model):
    """One browser or installed app a person allowed to show notifications (the Push API's
    subscription: the push service's endpoint and the browser's keys)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    label = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]

    def info(self) -> dict:
        """The subscription as pywebpush takes it (the browser's own JSON shape)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Outcome(models.TextChoices):
    PENDING = "", _("Waiting")
    PUSHED = "pushed", _("Sent to the member’s devices")
    EMAILED = "emailed", _("Sent by e-mail")
    SKIPPED = "skipped", _("Not sent: the seizure was deleted or ended before the threshold")
    FAILED = "failed", _("Not sent: gave up after repeated errors")


class Alert(models.Model):
    """One alert to one member, queued in the transaction of the event it tells about and
    sent by the worker. `event` names the event ("started:<episode id>"), so the unique
    constraint makes it at most one alert per event per member whoever queues it twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind)
    event = models.CharField(max_length=100)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="alerts")
    episode = models.ForeignKey("seizures.Episode", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="alerts")
    # Who caused the event (named in the text; never alerted).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=10, choices=Channel)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker holds the row until then; a worker that died lets it go by itself.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome, blank=True, default=Outcome.PENDING)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "membership"], name="one_alert_per_event_per_member")]
        indexes = [models.Index(fields=["due_at"], condition=Q(outcome=""), name="alert_pending_by_due")]

    def __str__(self) -> str:
        return f"{self.kind} alert to {self.membership_id}"
