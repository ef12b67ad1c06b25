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


def plan_rules(plan, medicines: list, doses: list) -> dict | None:
    """The action plan as the timer's script follows it: the steps (each from its minute),
    the emergency number, the rescue medicines with their guard, and the rescue doses
    already logged near now (the guard measures a new dose against them)."""
    if plan is None:
        return None
    return {
        "emergency_number": plan.emergency_number,
        "steps": plan.steps,
        "medicines": [
            {
                "id": str(m.public_id),
                "name": m.name,
                "label": m.label,
                "interval_seconds": m.min_interval_minutes * 60,
                "max_per_day": m.max_per_day,
            }
            for m in medicines
        ],
        "doses": [
            {
                "name": d.medicine_name,
                "label": d.dose or d.medicine_name,
                "at": d.given_at.isoformat(),
                "by": str(d.given_by or _("someone")),
            }
            for d in doses
        ],
    }


def logging_config(child: Child, plan: dict | None = None) -> dict:
    """What the logging pages' scripts need to work without the server: the child, where to
    send entries, the pages to keep on the phone, and their words (translated here). The
    timer adds the action plan (`plan_rules`)."""
    child_id = child.public_id
    urls = {
        "home": reverse("seizures:home", args=[child_id]),
        "timeline": reverse("seizures:timeline", args=[child_id]),
        "sync": reverse("seizures:sync", args=[child_id]),
        "timer": reverse("seizures:timer-now", args=[child_id]),
        "add": reverse("seizures:episode-add", args=[child_id]),
        "plan": reverse("seizures:plan", args=[child_id]),
    }
    can_write = child.membership.can_write
    return {
        "child": str(child_id),
        "name": child.name,
        "zone": child.time_zone,
        "can_write": can_write,
        "threshold_seconds": child.rescue_threshold_minutes * 60,
        "rules": logging_rules(),
        "plan": plan,
        "urls": urls,
        # Opened once online, these open again from the phone with no network.
        "offline_pages": [
            urls[name] for name in (("home", "timer", "add", "timeline", "plan") if can_write else ("home", "plan"))
        ],
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
            "label_uncountable_start": _("%(name)s: too frequent to count from %(time)s"),
            "label_uncountable_end": _("%(name)s: counting again from %(time)s"),
            "uncountable_kept": _("Kept on this phone; it will be sent when you are online."),
            "plan_step": _("Plan, from minute %(minute)s: %(text)s"),
            "plan_step_start": _("Plan, from the start: %(text)s"),
            "plan_call": _("Emergency number: %(number)s"),
            "rescue_pick": _("Choose the medicine that was given."),
            "guard_too_soon": _("Too soon: the plan says at least %(minutes)s minutes between doses."),
            "guard_max": _("The plan allows at most %(n)s doses in 24 hours, and they have been given."),
            "guard_previous": _("Previous dose: %(what)s, given at %(time)s by %(who)s."),
            "guard_nothing_saved": _(
                "Nothing has been saved. Give it only if the clinician or paramedics say so: "
                "tick “give it anyway” and say why."
            ),
            "guard_reason": _("Say why this dose is given past the guard."),
            "this_phone": _("this phone"),
            "label_rescue": _("%(name)s: rescue dose at %(time)s"),
            "label_dose": _("%(name)s: %(medicine)s, dose at %(time)s"),
            "dose_given_kept": _("Given — kept on this phone; it will be sent when you are online."),
            "dose_skipped_kept": _("Skipped — kept on this phone; it will be sent when you are online."),
        },
    }
