"""Seizure now → the live timer: signs saved on each tap, the migration path, rescue
medicine, Seizure ended. Elapsed time always comes from the stored start."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from caregiver.pwa import offline_page
from seizures import recording, recording_plan
from seizures.forms import ClientUUIDForm, MoveForm, RescueForm, TimerSetForm
from seizures.models import Episode
from seizures.outbox import BOOLEAN_FIELDS, CHOICE_FIELDS
from seizures.plan_forms import RescueDoseForm
from seizures.queries import current_plan, live_episode
from seizures.recording import ClientUUIDConflict
from seizures.signs import (
    COLOUR_FIELD,
    MAX_PATH_STEPS,
    OBSERVATIONS,
    ONSET_FIELD,
    SIGNS,
    Colour,
    Limb,
    Onset,
    Region,
    Side,
    signs_article_url,
)
from seizures.templatetags.seizures import duration
from seizures.views.common import conflict_response, logging_config, plan_rules
from seizures.views.plan import guard_doses


def sign_groups(episode: Episode) -> list[dict]:
    return [
        {
            "sign": sign,
            "on": getattr(episode, sign.key),
            "side": getattr(episode, sign.side_field) if sign.side_field else None,
            "limb": getattr(episode, sign.limb_field) if sign.limb_field else None,
        }
        for sign in SIGNS
    ]


def timer_state(episode: Episode, client_uuid: UUID) -> dict:
    """The seizure as the timer's script keeps it on the phone, under the phone's key."""
    return {
        "client_uuid": str(client_uuid),
        "started_at": episode.started_at.isoformat(),
        "in_progress": episode.in_progress,
        "deleted": episode.deleted_at is not None,
        "duration_seconds": episode.duration_seconds,
        **{name: getattr(episode, name) for name in (*BOOLEAN_FIELDS, *CHOICE_FIELDS, "rescue_medicine")},
        "path": episode.path,
        "rescue_given_at": episode.rescue_given_at.isoformat() if episode.rescue_given_at else None,
        "timed_by": str(episode.logged_by or _("someone")),
        "edit_url": reverse("seizures:episode-edit", args=[episode.child.public_id, episode.public_id]),
    }


def timer_context(child: Child, episode: Episode, *, shell: bool = False, key: UUID | None = None) -> dict:
    """The timer for a stored episode, or (`shell`) the page the phone times a seizure on from
    its own record: the same template, without server state unless the phone's key (`key`)
    names a stored seizure."""
    now = timezone.now()
    actions = {}
    if not shell:
        ids = [child.public_id, episode.public_id]
        actions = {
            name: reverse(f"seizures:{url}", args=ids)
            for name, url in [
                ("set", "episode-set"),
                ("move", "episode-move"),
                ("move_undo", "episode-move-undo"),
                ("rescue", "episode-rescue"),
                ("end", "episode-end"),
            ]
        }
    stored = not shell or episode.pk is not None
    plan, medicines = current_plan(child)
    elapsed = episode.elapsed_seconds(now)
    return {
        "child": child,
        "plan": plan,
        "medicines": medicines,
        "step": plan.step_at(elapsed / 60) if plan else None,
        "rescue_key": uuid.uuid4(),
        "episode": episode,
        "shell": shell,
        "actions": actions,
        "state": timer_state(episode, key or episode.client_uuid) if stored else None,
        "logging": logging_config(child, plan_rules(plan, medicines, guard_doses(child) if plan else [])),
        "can_write": child.membership.can_write,
        "groups": sign_groups(episode),
        "signs_url": signs_article_url(),
        "observations": [{"obs": o, "on": getattr(episode, o.key)} for o in OBSERVATIONS],
        "colours": Colour.choices,
        "onsets": Onset.choices,
        "sides": Side.choices,
        "limbs": Limb.choices,
        "regions": Region.choices,
        "elapsed": elapsed,
        "threshold_seconds": child.rescue_threshold_minutes * 60,
        "now": now,
        "path_full": len(episode.path) >= MAX_PATH_STEPS,
    }


def _fragment(request: AuthedRequest, child: Child, episode: Episode, partial: str, **extra) -> HttpResponse:
    """htmx: the changed part of the timer; otherwise back to the timer (Post/Redirect/Get)."""
    if not request.htmx:
        return redirect("seizures:timer", child_id=child.public_id, episode_id=episode.public_id)
    return render(request, f"seizures/timer.html#{partial}", timer_context(child, episode) | extra)


@require_POST
def episode_start(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers. Records the start at this moment on the server and opens the
    timer. Replaying the same client UUID opens the same timer; a seizure already being timed
    (started within JOIN_WINDOW) is joined rather than logged twice."""
    child = child_for(request, child_id, Need.WRITE)
    form = ClientUUIDForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This request could not be read. Reload the page and try again."))
    try:
        result = recording.start(child, request.user, key=form.cleaned_data["client_uuid"], started_at=timezone.now())
    except ClientUUIDConflict:
        return conflict_response(request)
    episode = result.episode
    if result.joined:
        local = episode.started_at.astimezone(child.zone)
        messages.info(
            request,
            _("A seizure that began at %(time)s is already being timed. This is its timer.")
            % {"time": date_filter(local, "H:i")},
        )
    return redirect("seizures:timer", child_id=child.public_id, episode_id=episode.public_id)


@require_GET
@offline_page
def timer(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Any member (clinicians see it without controls). An episode that has ended opens its
    edit page instead."""
    child = child_for(request, child_id)
    episode = live_episode(child, episode_id)
    if not episode.in_progress:
        return redirect("seizures:episode-edit", child_id=child.public_id, episode_id=episode.public_id)
    return render(request, "seizures/timer.html", timer_context(child, episode))


@require_GET
@offline_page(query=("id",))
def timer_now(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: the timer for the seizure the phone names by its client UUID
    (`?id=`). "Seizure now" opens it at once, with or without a network: the page's script
    times the seizure from the phone's own record and sends it through the outbox. When the
    server already holds that seizure, its state comes with the page (for a phone that lost
    its record). Kept on the phone for offline use; after `child_for`, two queries at most for
    the seizure and three for the action plan (its version, medicines and the latest doses)."""
    child = child_for(request, child_id, Need.WRITE)
    episode = None
    try:
        key = UUID(request.GET.get("id", ""))
    except ValueError:
        key = None
    if key is not None:
        try:
            episode = recording.stored(child, key)
        except ClientUUIDConflict:
            episode = None
    if episode is None:
        episode = Episode(child=child, started_at=timezone.now(), in_progress=True, logged_by=request.user)
    return render(request, "seizures/timer.html", timer_context(child, episode, shell=True, key=key))


@require_POST
def episode_set(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """One tap on the timer's checklist, saved at once (see `recording.set_value`)."""
    child = child_for(request, child_id, Need.WRITE)
    form = TimerSetForm(request.POST)
    if not form.is_valid():
        live_episode(child, episode_id)  # another family's episode is 404 before anything else
        return HttpResponseBadRequest(_("This change could not be read. Reload the timer and try again."))
    name, value = form.cleaned_data["field"], form.cleaned_data["value"]
    episode = recording.set_value(child, request.user, episode_id, name, value)
    sign = next((s for s in SIGNS if name in (s.key, s.side_field, s.limb_field)), None)
    if sign is None:
        partial = {COLOUR_FIELD: "colour", ONSET_FIELD: "onset"}.get(name, "observations")
        return _fragment(request, child, episode, partial)
    group = next(g for g in sign_groups(episode) if g["sign"] is sign)
    return _fragment(request, child, episode, "sign_group", group=group)


@require_POST
def episode_move(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Appends a body region to the migration path (see `recording.move`)."""
    child = child_for(request, child_id, Need.WRITE)
    form = MoveForm(request.POST)
    if not form.is_valid():
        live_episode(child, episode_id)
        return HttpResponseBadRequest(_("Choose a body region from the list."))
    episode = recording.move(child, request.user, episode_id, form.cleaned_data["region"])
    return _fragment(request, child, episode, "path")


@require_POST
def episode_move_undo(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Removes the last step if the path still has the length the page showed (`steps`)."""
    child = child_for(request, child_id, Need.WRITE)
    episode = recording.undo_move(child, request.user, episode_id, request.POST.get("steps", ""))
    return _fragment(request, child, episode, "path")


@require_POST
def episode_rescue(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Records a rescue dose given now. With the plan's medicines, the guard applies: inside
    the interval or over the 24-hour maximum the timer shows the previous dose and asks for
    the override (nothing saved until then). Without a plan, the medicine is typed."""
    child = child_for(request, child_id, Need.WRITE)
    episode = live_episode(child, episode_id)
    _plan, medicines = current_plan(child)
    if not medicines:
        return _typed_rescue(request, child, episode)
    data = request.POST.copy()
    data["given_at"] = timezone.now().isoformat()
    form = RescueDoseForm(data, child=child, medicines=medicines)
    if not form.is_valid():
        return _rescue_fragment(request, child, episode, rescue_form=form)
    try:
        given = recording_plan.give(
            child,
            request.user,
            key=form.cleaned_data["client_uuid"],
            medicine=form.chosen,
            given_at=form.cleaned_data["given_at"],
            episode=episode,
            override=form.cleaned_data["override"],
            reason=form.cleaned_data["override_reason"],
        )
    except ClientUUIDConflict:
        return conflict_response(request)
    if given.refused:
        return _rescue_fragment(request, child, episode, rescue_form=form, guard=given.guard)
    episode.refresh_from_db()
    return _fragment(request, child, episode, "rescue", rescue_form=None)


def _rescue_fragment(request: AuthedRequest, child: Child, episode: Episode, **extra) -> HttpResponse:
    """The timer with the rescue form's errors or the guard: the fragment, or the whole page."""
    if not request.htmx:
        return render(request, "seizures/timer.html", timer_context(child, episode) | extra)
    return render(request, "seizures/timer.html#rescue", timer_context(child, episode) | extra)


def _typed_rescue(request: AuthedRequest, child: Child, episode: Episode) -> HttpResponse:
    form = RescueForm(request.POST)
    if form.is_valid():
        episode = recording.give_rescue(child, request.user, episode.public_id, form.cleaned_data["rescue_medicine"])
        return _fragment(request, child, episode, "rescue", rescue_form=None)
    return _rescue_fragment(request, child, episode, rescue_form=form)


@require_POST
def episode_end(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Stores the duration from the stored start to now (see `recording.end`); a timer left
    running over a day is saved with the duration unknown and opens the edit page."""
    child = child_for(request, child_id, Need.WRITE)
    episode, ended = recording.end(child, request.user, episode_id)
    if ended and episode.duration_seconds is None:
        messages.warning(
            request, _("The timer ran for over a day, so the duration was saved as unknown. Edit it below.")
        )
        return redirect("seizures:episode-edit", child_id=child.public_id, episode_id=episode.public_id)
    if ended:
        messages.success(
            request, _("Seizure saved: it lasted %(duration)s.") % {"duration": duration(episode.duration_seconds)}
        )
    return redirect("seizures:home", child_id=child.public_id)
