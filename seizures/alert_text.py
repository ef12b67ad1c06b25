"""What an alert says, worked out when it is sent (not when it was queued): a seizure that has
ended by then is told as ended ("Kim had a 2:10 seizure at 14:02, ended"), and an alert whose
event no longer holds (the seizure was deleted, or ended before the threshold) is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from seizures.alert_models import Alert, Kind, dose_of
from seizures.medicine_models import Dose, Medicine
from seizures.plan_models import ActionPlan
from seizures.templatetags.seizures import duration as format_duration

# A push message is small (4 KB at most, encrypted): the rescue plan is cut to this.
PLAN_CHARACTERS = 300


@dataclass
class Message:
    title: str
    body: str
    path: str  # where tapping it leads, on this site


def message_for(alert: Alert) -> Message | None:
    """The alert's text as things stand now; None when it should not be sent."""
    child = alert.child
    episode = alert.episode
    if alert.kind == Kind.TEST:
        return Message(
            _("Test alert"),
            _("Alerts about %(name)s reach this device.") % {"name": child.name},
            child.get_absolute_url(),
        )
    if alert.kind == Kind.DOSE:
        return _dose_message(alert)
    if episode is None or episode.deleted_at is not None:
        return None
    at = episode.started_at.astimezone(child.zone).strftime("%H:%M")
    ended = _ended_text(alert, at) if not episode.in_progress and not episode.is_tally else ""
    if episode.in_progress:
        path = reverse("seizures:timer", args=[child.public_id, episode.public_id])
    else:
        path = child.get_absolute_url()
    by = _actor_name(alert)
    if alert.kind == Kind.STARTED:
        if ended:
            return Message(_("%(name)s: seizure") % {"name": child.name}, ended, path)
        body = _("Started at %(at)s, logged by %(by)s.") % {"at": at, "by": by}
        return Message(_("%(name)s: a seizure started") % {"name": child.name}, body, path)
    if alert.kind == Kind.THRESHOLD:
        threshold = child.rescue_threshold_minutes
        if not episode.in_progress and (episode.duration_seconds or 0) < threshold * 60:
            return None  # it ended before the threshold: the event never happened
        title = _("%(name)s: seizure past %(minutes)s minutes") % {"name": child.name, "minutes": threshold}
        if ended:
            return Message(title, ended, path)
        body = _("Started at %(at)s and still going.") % {"at": at}
        plan = ActionPlan.objects.for_child(child).newest_first().first()
        step = plan.step_at(threshold) if plan is not None else None
        if step is not None:
            # The action plan's step for this minute, as the timer shows it.
            said = _("Plan, from minute %(minute)s: %(text)s") % {"minute": step["minute"], "text": step["text"]}
            body += " " + said[:PLAN_CHARACTERS]
            if plan.emergency_number:
                body += " " + _("Emergency number: %(number)s") % {"number": plan.emergency_number}
        elif child.rescue_plan:
            body += " " + _("Rescue plan: %(plan)s") % {"plan": child.rescue_plan[:PLAN_CHARACTERS]}
        return Message(title, body, path)
    if alert.kind == Kind.RESCUE:
        given_at = (episode.rescue_given_at or episode.started_at).astimezone(child.zone).strftime("%H:%M")
        body = _("%(by)s gave %(medicine)s at %(at)s.") % {
            "by": by,
            "medicine": episode.rescue_medicine or _("rescue medicine"),
            "at": given_at,
        }
        return Message(_("%(name)s: rescue medicine given") % {"name": child.name}, f"{body} {ended}".strip(), path)
    if alert.kind == Kind.CLUSTER:
        body = _("%(count)s seizures within %(hours)s hours (the latest at %(at)s).") % {
            "count": child.cluster_alert_count,
            "hours": child.cluster_alert_hours,
            "at": at,
        }
        return Message(_("%(name)s: cluster alert") % {"name": child.name}, body, child.get_absolute_url())
    return None


def _ended_text(alert: Alert, at: str) -> str:
    episode = alert.episode
    if episode.duration_seconds is None:
        return _("%(name)s had a seizure at %(at)s, ended (how long is not known).") % {
            "name": alert.child.name,
            "at": at,
        }
    return _("%(name)s had a %(duration)s seizure at %(at)s, ended.") % {
        "name": alert.child.name,
        "duration": format_duration(episode.duration_seconds),
        "at": at,
    }


def _actor_name(alert: Alert) -> str:
    if alert.actor is None:
        return _("someone on the team")
    return alert.actor.get_short_name()


def _dose_message(alert: Alert) -> Message | None:
    """A scheduled dose still neither given nor skipped (None once someone records it)."""
    medicine_id, due = dose_of(alert.event)
    medicine = Medicine.objects.filter(child=alert.child, public_id=medicine_id).first()
    if medicine is None or Dose.objects.filter(medicine=medicine, scheduled_at=due, extra=False).exists():
        return None
    child = alert.child
    at = due.astimezone(child.zone).strftime("%H:%M")
    return Message(
        _("%(name)s: %(medicine)s dose overdue") % {"name": child.name, "medicine": medicine.name},
        _("The %(at)s dose is not recorded as given or skipped.") % {"at": at},
        child.get_absolute_url(),
    )
