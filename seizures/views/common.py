"""Small pieces the seizure views share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from caregiver.models import Child
from seizures.models import JOIN_WINDOW
from seizures.signs import MAX_PATH_STEPS, SIGNS, Side


def conflict_response(request: HttpRequest) -> HttpResponse:
    """409 for a client UUID already used for another child. Says nothing about that child."""
    return TemplateResponse(request, "seizures/conflict.html", {}, status=409)


def logging_rules() -> dict:
    """The rules the logging scripts apply on the phone (rules.js), from their one definition."""
    return {
        "join_window_seconds": int(JOIN_WINDOW.total_seconds()),
        "max_path_steps": MAX_PATH_STEPS,
        # Which signs have a side or limb to choose, and what "not seen" is called.
        "signs": {s.key: [f for f in (s.side_field, s.limb_field) if f] for s in SIGNS if s.side_field or s.limb_field},
        "not_seen": Side.NOT_SEEN.value,
    }


def logging_config(child: Child) -> dict:
    """What the logging pages' scripts need to work without the server: the child, where to
    send entries, the pages to keep on the phone, and their words (translated here)."""
    child_id = child.public_id
    urls = {
        "home": reverse("seizures:home", args=[child_id]),
        "timeline": reverse("seizures:timeline", args=[child_id]),
        "sync": reverse("seizures:sync", args=[child_id]),
        "timer": reverse("seizures:timer-now", args=[child_id]),
        "add": reverse("seizures:episode-add", args=[child_id]),
    }
    can_write = child.membership.can_write
    return {
        "child": str(child_id),
        "name": child.name,
        "zone": child.time_zone,
        "can_write": can_write,
        "threshold_seconds": child.rescue_threshold_minutes * 60,
        "rules": logging_rules(),
        "urls": urls,
        # Opened once online, these open again from the phone with no network.
        "offline_pages": [urls[name] for name in (("home", "timer", "add", "timeline") if can_write else ("home",))],
        # Words for the scripts that log; a reader's page logs nothing.
        "text": {}
        if not can_write
        else {
            "already_timed": _("A seizure that began at %(time)s is already being timed. This is its timer."),
            "ended_saved": _("Seizure saved: it lasted %(duration)s."),
            "ended_kept": _(
                "Seizure ended: it lasted %(duration)s. It is kept on this phone and will be sent when you are online."
            ),
            "form_saved": _("Seizure saved."),
            "form_kept": _("Seizure kept on this phone. It will be sent when you are online."),
            "form_errors": _("Please correct the marked fields. Nothing has been saved yet."),
            "began_here": _("Began at %(time)s · timed on this phone"),
            "began_by": _("Began at %(time)s · timed by %(who)s"),
            "back_home": _("Back to today’s page"),
            "open_it": _("Open it"),
            "running": _("Seizure in progress"),
            "running_here": _("began at %(time)s on this phone"),
            "open_timer": _("Open the timer"),
            "undo_last": _("Undo last +1 (%(time)s)"),
            "given_at": _("given at %(time)s"),
            "given_now": _("Given now"),
            "given_again": _("Update: given now"),
            "rescue_missing": _("Say which medicine was given."),
            "not_on_phone": _("This seizure is not on this phone."),
            "has_ended": _("This seizure has ended."),
            "joined": _(
                "A seizure that began at %(time)s was already being timed on another phone. "
                "This is its timer now; what you ticked was added to it."
            ),
            "no_timer_offline": _(
                "The timer started at %(time)s and is kept on this phone, but the timer page is not on this "
                "phone yet. Note what you see; you can add it when you are online."
            ),
            "label_seizure": _("%(name)s: seizure at %(time)s"),
            "label_tap": _("%(name)s: +1 at %(time)s"),
            "label_form": _("%(name)s: past seizure, %(time)s"),
            "label_undo": _("%(name)s: undo of a +1"),
            "label_confirm": _("%(name)s: day confirmed at %(time)s"),
            "day_confirmed": _("Today is recorded."),
            "confirm_kept": _("Today is recorded on this phone; it will be sent when you are online."),
            "label_dose": _("%(name)s: %(medicine)s, dose at %(time)s"),
            "dose_given_kept": _("Given — kept on this phone; it will be sent when you are online."),
            "dose_skipped_kept": _("Skipped — kept on this phone; it will be sent when you are online."),
        },
    }
