"""The alert worker behind `manage.py sendalerts`: takes due alerts from the database queue and
sends each by Web Push to every device of its member (VAPID-signed, RFC 8291 encrypted, by
pywebpush) or by e-mail.

A push service's 5xx or a network error puts the alert back for a later try (exponential
backoff); 404/410 means the browser unsubscribed, so that device is forgotten. A member with no
device left, or who chose e-mail, gets an e-mail. Several workers may run at once on
PostgreSQL: each row is claimed by one (`recording_alerts.claim`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import close_old_connections
from django.templatetags.static import static
from django.utils import timezone, translation
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from seizures import recording_alerts
from seizures.alert_models import Alert, AlertPreference, Channel, Kind, Outcome
from seizures.alert_text import Message, message_for

log = logging.getLogger(__name__)

# A push message waits this long at the push service for a phone that is off (an alert older
# than this is no use).
PUSH_TTL_SECONDS = 60 * 60
# Per request to a push service: a slow one must not hold the queue up.
PUSH_TIMEOUT_SECONDS = 10
BATCH = 20
# Status codes after which the same request may succeed later.
RETRY_STATUSES = {429} | set(range(500, 600))
GONE_STATUSES = {404, 410}
ALERT_ICON = "caregiver/icons/icon-192.png"
# An alert the worker reaches this long after its event (the worker was down) is dropped:
# the team has long since seen the seizure in the app.
STALE_AFTER = timedelta(hours=12)
# How often the worker looks for scheduled doses gone overdue.
DOSE_CHECK_SECONDS = 60


def still_wanted(alert: Alert) -> bool:
    """Whether the member still wants this kind of alert (they may have turned it off since
    it was queued); a test alert always is. One query."""
    if alert.kind == Kind.TEST:
        return True
    membership = alert.membership
    preference = AlertPreference.objects.filter(membership=membership).first()
    return alert.kind in (preference or AlertPreference.defaults_for(membership)).kinds()


@dataclass
class Worker:
    """One worker; `stop` (set by SIGTERM) ends the loop after the alert being sent."""

    stop: threading.Event = field(default_factory=threading.Event)
    poll_seconds: float = 1.0
    # Whether the worker owns its process's database connections (the command), rather than
    # sharing a caller's (a test's transaction).
    own_connections: bool = False
    _vapid: Vapid | None = None
    _doses_checked_at: float | None = None

    def run(self, *, once: bool = False) -> int:
        """Sends what is due, then (unless `once`) polls until stopped. Returns how many
        alerts it finished (sent, skipped or given up)."""
        done = 0
        while not self.stop.is_set():
            if self.own_connections:
                # A connection the database dropped meanwhile (a restart) is replaced, not reused.
                close_old_connections()
            self.check_doses()
            claimed = recording_alerts.claim(BATCH)
            for index, alert in enumerate(claimed):
                if self.stop.is_set():
                    recording_alerts.release(claimed[index:])
                    break
                done += self.deliver_safely(alert)
            if once and len(claimed) < BATCH:
                break
            if not claimed:
                self.stop.wait(self.poll_seconds)
        return done

    def check_doses(self) -> None:
        """About once a minute, queues the "dose overdue" alerts now due (an error is logged,
        never the end of the worker)."""
        now = time.monotonic()
        if self._doses_checked_at is not None and now - self._doses_checked_at < DOSE_CHECK_SECONDS:
            return
        self._doses_checked_at = now
        try:
            recording_alerts.queue_overdue_doses()
        except Exception:
            log.exception("Checking for overdue doses failed")

    def deliver_safely(self, alert: Alert) -> int:
        """`deliver`, with any unexpected error logged and the alert put back for a later try,
        so one bad alert never stops the worker (and every alert after it)."""
        try:
            return self.deliver(alert)
        except Exception as error:
            log.exception("Alert %s failed", alert.public_id)
            recording_alerts.retry_later(alert, f"error: {error!r}"[:200])
            return 0

    def deliver(self, alert: Alert) -> int:
        """Sends one claimed alert; 1 when it is finished, 0 when it was put back for later."""
        if timezone.now() - alert.created_at > STALE_AFTER:
            recording_alerts.finish(alert, Outcome.SKIPPED, error="too old to be of use")
            return 1
        if not still_wanted(alert):
            recording_alerts.finish(alert, Outcome.SKIPPED, error="the member turned this alert off")
            return 1
        user = alert.membership.user
        # In the member's own language: the worker has no browser to ask.
        with translation.override(user.language or settings.LANGUAGE_CODE):
            message = message_for(alert)
        if message is None:
            recording_alerts.finish(alert, Outcome.SKIPPED)
            return 1
        if alert.channel == Channel.PUSH and self.vapid is not None:
            subscriptions = list(user.push_subscriptions.all())
            if subscriptions:
                result = self.push(alert, message, subscriptions)
                if result is not None:
                    return result
        return self.email(alert, message)

    def push(self, alert: Alert, message: Message, subscriptions) -> int | None:
        """Pushes to each device; None when every device turned out to be gone (e-mail instead)."""
        payload = json.dumps(
            {
                "title": message.title,
                "body": message.body,
                "url": message.path,
                "tag": alert.event,
                "icon": static(ALERT_ICON),
            }
        )
        delivered, errors, gone = 0, [], 0
        for subscription in subscriptions:
            try:
                webpush(
                    subscription.info(),
                    payload,
                    vapid_private_key=self.vapid,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=PUSH_TTL_SECONDS,
                    timeout=PUSH_TIMEOUT_SECONDS,
                )
            except WebPushException as error:
                status = getattr(error.response, "status_code", None)
                if status in GONE_STATUSES:
                    recording_alerts.drop(subscription)
                    gone += 1
                else:
                    errors.append((status, f"{status}: {error.message}"[:200]))
            except requests.RequestException as error:
                errors.append((None, f"network: {error}"[:200]))
            else:
                recording_alerts.pushed(subscription)
                delivered += 1
        if delivered:
            recording_alerts.finish(alert, Outcome.PUSHED, error="; ".join(text for _, text in errors))
            return 1
        if gone == len(subscriptions):
            return None
        if any(status is None or status in RETRY_STATUSES for status, _ in errors):
            recording_alerts.retry_later(alert, "; ".join(text for _, text in errors))
            return 0
        # Refused for good (a 4xx other than gone): the member still hears by e-mail.
        log.warning("Push refused for alert %s: %s", alert.public_id, errors)
        return None

    def email(self, alert: Alert, message: Message) -> int:
        link = settings.SITE_URL.rstrip("/") + message.path
        try:
            send_mail(
                message.title,
                f"{message.body}\n\n{link}\n",
                settings.DEFAULT_FROM_EMAIL,
                [alert.membership.user.email],
            )
        except OSError as error:  # SMTP errors are OSErrors: a mail server down is worth retrying
            recording_alerts.retry_later(alert, f"e-mail: {error}"[:200])
            return 0
        recording_alerts.finish(alert, Outcome.EMAILED, channel=Channel.EMAIL)
        return 1

    @property
    def vapid(self) -> Vapid | None:
        """The VAPID key from the settings; None when not configured (e-mail only)."""
        if self._vapid is None and settings.VAPID_PRIVATE_KEY:
            self._vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
        return self._vapid
