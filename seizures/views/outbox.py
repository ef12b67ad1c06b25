"""The phone's outbox sends here: one entry at a time, as JSON, saved exactly once by its
client UUID (see `seizures.outbox` for what each kind of entry does)."""

from __future__ import annotations

import json
import logging
from uuid import UUID

from django.db import DatabaseError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures.outbox import EntryError, Outcome, save_entry
from seizures.queries import recent_taps, tally_state, today_count
from seizures.recording import ClientUUIDConflict

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def sync(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers (clinicians 403, strangers 404), CSRF-protected like any POST.

    POST: one entry. 201 when it created a record, 200 for a change, a replay or nothing to
    do — always `{"client_uuid": ..., "status": "saved" | "joined"}`, so the phone deletes the
    entry only on an answer that names it. 400 with readable `errors` (nothing saved); 409 for
    a client UUID of another child (nothing changed); 422 for values the database refused
    (never worth resending); 503 while the database is busy and 500 for any other failure
    (both worth resending). GET: a fresh CSRF token, which the phone asks for when a send was
    refused with 403."""
    child = child_for(request, child_id, Need.WRITE)
    if request.method == "GET":
        return JsonResponse({"csrf_token": get_token(request)})
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        return _refused(_("This entry could not be read."), {"entry": [_("The entry is not valid JSON.")]})
    try:
        outcome = save_entry(child, request.user, data)
    except EntryError as error:
        return _refused(error.message, error.errors)
    except OperationalError:
        # The database is busy or unreachable: nothing was saved, and the phone, which keeps the
        # entry, is told to try again shortly.
        logger.warning("Sync entry not saved: the database is busy", exc_info=True)
        response = JsonResponse(
            {"status": "busy", "message": _("The server is busy. The entry is kept and sent again.")}, status=503
        )
        response["Retry-After"] = "5"
        return response
    except ClientUUIDConflict:
        message = _("This entry’s key belongs to another child’s record, so nothing was saved.")
        return JsonResponse({"status": "conflict", "message": message, "errors": {}}, status=409)
    except DatabaseError:
        # The database refused this entry's values (the checks above missed something): sent
        # again it would fail again, so the phone sets it aside for the person instead.
        logger.exception("Sync entry refused by the database")
        message = _("The server cannot store this entry as it is, so nothing was saved.")
        return JsonResponse({"status": "unstorable", "message": message, "errors": {}}, status=422)
    except Exception:
        # Anything else may pass: the phone keeps the entry, sends the others, and sets this
        # one aside after several failures in a row.
        logger.exception("Sync entry failed")
        message = _("The server failed on this entry; nothing was saved.")
        return JsonResponse({"status": "failed", "message": message, "errors": {}}, status=500)
    return JsonResponse(_answer(child, outcome), status=201 if outcome.result.created else 200)


def _refused(message: str, errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"status": "rejected", "message": message, "errors": errors}, status=400)


def _answer(child: Child, outcome: Outcome) -> dict:
    now = timezone.now()
    answer: dict = {
        "client_uuid": str(outcome.key),
        "status": "joined" if outcome.result.joined else "saved",
        "server_now": now.isoformat(),
    }
    if outcome.result.notice:
        answer["notice"] = outcome.result.notice
    # The server's count after this entry, so the page counts it once, not twice or never.
    answer["tally"] = tally_state(recent_taps(child, now), today_count(child, now), now)
    episode = outcome.result.episode
    if episode is not None and outcome.kind != "tally" and outcome.kind != "undo":
        answer["episode"] = str(episode.public_id)
        answer["started_at"] = episode.started_at.isoformat()
        answer["in_progress"] = episode.in_progress
        timeline = reverse("seizures:timeline", args=[child.public_id])
        answer["url"] = f"{timeline}?saved={episode.public_id}"
        if not episode.in_progress and episode.deleted_at is None:
            answer["edit_url"] = reverse("seizures:episode-edit", args=[child.public_id, episode.public_id])
    return answer
