"""Every write of the team alerts: queueing an alert in the event's own transaction (called by
the writers in `seizures.recording`), a member's choices and devices (the alerts page), and
the worker's bookkeeping (`seizures.alert_worker`).

Queueing only inserts rows (two queries, three with the cluster count), so nothing about
alerts can slow or fail the logging request that causes them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child, Membership, User
from seizures import dues
from seizures.alert_models import Alert, AlertPreference, Kind, Outcome, PushSubscription, dose_event
from seizures.models import Dose, Episode, Medicine

# How long a worker may hold a claimed row before another worker may take it: far longer than
# one send (its network timeouts are 10 seconds), so a live worker's rows are never taken.
CLAIM_FOR = timedelta(minutes=2)
MAX_ATTEMPTS = 8
# Retries wait 5 s, 10 s, 20 s … up to this long.
MAX_BACKOFF = timedelta(minutes=10)


# --- Queueing (inside the event's transaction) --------------------------------------------------------
def queue(child: Child, actor: User | None, episode: Episode | None, kinds: dict[Kind, datetime]) -> None:
    """Queues, for each member of the child's team but the actor (and anyone whose account is
    switched off), an alert of each kind in `kinds` (due at the time given) that the member
    wants. An event queued twice (a replay) stays one alert per member: the unique
    constraint drops the repeat."""
    memberships = Membership.objects.filter(child=child, user__is_active=True).select_related("alert_preference")
    if actor is not None:
        memberships = memberships.exclude(user=actor)
    alerts = []
    for membership in memberships:
        preference = getattr(membership, "alert_preference", None) or AlertPreference.defaults_for(membership)
        wanted = preference.kinds()
        for kind, due_at in kinds.items():
            if kind in wanted:
                alerts.append(_alert(kind, child, actor, episode, membership, preference.channel, due_at))
    if alerts:
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)


def _alert(kind, child, actor, episode, membership, channel, due_at) -> Alert:
    return Alert(
        kind=kind,
        event=f"{kind}:{episode.public_id}",
        child=child,
        episode=episode,
        membership=membership,
        actor=actor,
        channel=channel,
        due_at=due_at,
    )


def queue_start(child: Child, actor: User, episode: Episode) -> None:
    """A seizure started: "started" now, "threshold" when the child's rescue threshold will
    have passed (the worker checks then whether it did), and "cluster" if this seizure makes
    the child's N in H hours."""
    kinds = {
        Kind.STARTED: episode.started_at,
        Kind.THRESHOLD: episode.started_at + timedelta(minutes=child.rescue_threshold_minutes),
    }
    if crosses_cluster_threshold(child, episode):
        kinds[Kind.CLUSTER] = episode.started_at
    queue(child, actor, episode, kinds)


def queue_tally(child: Child, actor: User, episode: Episode) -> None:
    """A "+1": only the cluster alert, when this tap reaches the child's N in H hours."""
    if crosses_cluster_threshold(child, episode):
        queue(child, actor, episode, {Kind.CLUSTER: episode.started_at})


def crosses_cluster_threshold(child: Child, episode: Episode) -> bool:
    """Whether the episode is exactly the child's Nth live seizure within the H hours up to it
    (one count query; none when the child has no cluster alert set). Exactly N, so the taps
    after it do not alert again."""
    if not (child.cluster_alert_count and child.cluster_alert_hours):
        return False
    since = episode.started_at - timedelta(hours=child.cluster_alert_hours)
    recent = Episode.objects.for_child(child).live().filter(started_at__gt=since, started_at__lte=episode.started_at)
    return recent.count() == child.cluster_alert_count


# A scheduled dose neither given nor skipped this long after its due time is "overdue".
OVERDUE_AFTER = timedelta(minutes=30)
# Doses overdue longer than this when the worker first looks (it was down) are not told.
OVERDUE_LOOKBACK = timedelta(hours=6)


def queue_overdue_doses(now: datetime | None = None) -> int:
    """Queues "dose overdue" for each scheduled dose due between OVERDUE_LOOKBACK and
    OVERDUE_AFTER ago with nothing recorded for it, to each member who asked for it (nobody
    does by default). Run by the worker about once a minute; the event names the medicine
    and the due time, so a dose is told once per member however often it runs. Returns how
    many alerts were queued. Five queries whatever the history."""
    now = now or timezone.now()
    start, end = now - OVERDUE_LOOKBACK - OVERDUE_AFTER, now - OVERDUE_AFTER
    wanting = list(
        Membership.objects.filter(alert_preference__dose=True, user__is_active=True).select_related("alert_preference")
    )
    if not wanting:
        return 0
    members: dict[int, list[Membership]] = {}
    for membership in wanting:
        members.setdefault(membership.child_id, []).append(membership)
    medicines = dues.with_versions(Medicine.objects.filter(child__in=members).select_related("child"))
    recorded = set(
        Dose.objects.filter(child__in=members, scheduled_at__gte=start, scheduled_at__lt=end, extra=False).values_list(
            "medicine_id", "scheduled_at"
        )
    )
    alerts = []
    for medicine in medicines:
        for due, _version in dues.medicine_slots(medicine, medicine.child.zone, start, end):
            if (medicine.pk, due) in recorded:
                continue
            for membership in members[medicine.child_id]:
                alerts.append(
                    Alert(
                        kind=Kind.DOSE,
                        event=dose_event(medicine.public_id, due),
                        child=medicine.child,
                        membership=membership,
                        channel=membership.alert_preference.channel,
                        due_at=now,
                    )
                )
    told = set(Alert.objects.filter(event__in={alert.event for alert in alerts}).values_list("event", "membership_id"))
    fresh = [alert for alert in alerts if (alert.event, alert.membership_id) not in told]
    Alert.objects.bulk_create(fresh, ignore_conflicts=True)  # a second worker at once: one each
    return len(fresh)


# --- A member's choices and devices --------------------------------------------------------------------
def save_preferences(child: Child, user: User, form) -> AlertPreference:
    """Saves the alerts form of the member reaching `child` (their own choices only). Two
    first saves at once (a double tap) make one row: update_or_create reads the winner's."""
    with transaction.atomic():
        choices = {name: form.cleaned_data[name] for name in form.Meta.fields}
        preference, _created = AlertPreference.objects.update_or_create(membership=child.membership, defaults=choices)
        audit.record(user, "edit", child=child, obj=preference, summary="Changed which alerts they get")
    return preference


def subscribe(child: Child, user: User, *, endpoint: str, p256dh: str, auth: str, label: str) -> PushSubscription:
    """Keeps a browser's push subscription for `user`. A browser subscribing again (same
    endpoint) updates its keys; an endpoint is one person's, so it moves to whoever signed in
    on that browser last."""
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "label": label[:200]}
        )
        if created:
            audit.record(user, "create", child=child, obj=subscription, summary="Turned on alerts on a device")
    return subscription


def unsubscribe(child: Child, user: User, subscription: PushSubscription) -> None:
    """Forgets one of the user's devices (the caller checked it is theirs)."""
    with transaction.atomic():
        audit.record(user, "delete", child=child, obj=subscription, summary="Removed a device from alerts")
        subscription.delete()


def queue_test(child: Child, user: User) -> Alert:
    """A test alert to the member themself, due now, to every device they have (or e-mail)."""
    membership = child.membership
    preference = getattr(membership, "alert_preference", None) or AlertPreference.defaults_for(membership)
    with transaction.atomic():
        alert = Alert.objects.create(
            kind=Kind.TEST,
            event=f"test:{uuid.uuid4()}",
            child=child,
            membership=membership,
            actor=user,
            channel=preference.channel,
            due_at=timezone.now(),
        )
        audit.record(user, "create", child=child, obj=alert, summary="Sent themself a test alert")
    return alert


# --- The worker's bookkeeping ---------------------------------------------------------------------------
def claim(batch: int) -> list[Alert]:
    """Takes up to `batch` due alerts for this worker, oldest due first. On PostgreSQL rows
    another worker is taking are skipped (FOR UPDATE SKIP LOCKED), so several workers never
    take one row; SQLite runs one worker. A claim lapses after CLAIM_FOR."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(outcome=Outcome.PENDING, due_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("due_at", "id")[:batch]
        )
        alerts = list(due.select_related("child", "episode", "membership__user", "actor"))
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(claimed_until=now + CLAIM_FOR)
    return alerts


def release(alerts: list[Alert]) -> None:
    """Gives back claimed alerts this worker will not send (it is stopping)."""
    Alert.objects.filter(pk__in=[a.pk for a in alerts], outcome=Outcome.PENDING).update(claimed_until=None)


def finish(alert: Alert, outcome: Outcome, *, channel: str = "", error: str = "") -> None:
    """Records how an alert ended (sent, skipped or given up)."""
    alert.outcome = outcome
    alert.sent_at = timezone.now()
    alert.claimed_until = None
    alert.last_error = error[:500]
    alert.channel = channel or alert.channel
    alert.save(update_fields=["outcome", "sent_at", "claimed_until", "last_error", "channel"])


def retry_later(alert: Alert, error: str) -> None:
    """Counts a failed try and puts the alert back, due after an exponential wait; after
    MAX_ATTEMPTS it is given up."""
    alert.attempts += 1
    if alert.attempts >= MAX_ATTEMPTS:
        finish(alert, Outcome.FAILED, error=error)
        return
    alert.due_at = timezone.now() + min(timedelta(seconds=5 * 2 ** (alert.attempts - 1)), MAX_BACKOFF)
    alert.claimed_until = None
    alert.last_error = error[:500]
    alert.save(update_fields=["attempts", "due_at", "claimed_until", "last_error"])


def pushed(subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())


def drop(subscription: PushSubscription) -> None:
    """The push service says the subscription is gone (404/410): forget it."""
    PushSubscription.objects.filter(pk=subscription.pk).delete()
