"""The web forms for seizures and treatments refuse text no database can store, with the
message by the field and nothing saved: a NUL as a browser posts it, and a lone surrogate as
a sync entry hands the same form (a browser's form post cannot carry one)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.forms import EpisodeForm, RescueForm, TreatmentForm
from seizures.models import Episode, Treatment
from tests.seizures.test_episodes import add, edit_data, url, valid
from tests.support.factories import make_episode, make_treatment

pytestmark = pytest.mark.django_db
UNSTORABLE = {"nul": "a\x00b", "surrogate": "a\ud800b"}
MESSAGE = "cannot be stored"
EPISODE_TEXT = ["notes", "rescue_medicine", "path_1_at", "started_at", "duration_minutes"]
TREATMENT = {"kind": "other", "name": "Levetiracetam", "dose": "20 mg", "started_on": "2026-05-20", "notes": "ok"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.mark.parametrize("field", ["notes", "rescue_medicine"])
def test_a_past_seizure_with_a_nul_is_shown_again_with_the_error(owner_client, child, field) -> None:
    data = valid(**{field: "a\x00b", "rescue_given_at": "2026-05-01T14:32"})
    response = owner_client.post(add(child), data)
    assert response.status_code == 200 and MESSAGE in str(response.context["form"].errors[field])
    assert not Episode.objects.exists() and not AuditEvent.objects.filter(child=child).exists()


@pytest.mark.parametrize("field", ["notes", "rescue_medicine"])
def test_an_edit_with_a_nul_saves_nothing(owner_client, child, field) -> None:
    episode = make_episode(child, notes="Before")
    data = edit_data(episode, **{field: "x\x00", "rescue_given_at": ""})
    response = owner_client.post(url("episode-edit", episode), data)
    assert response.status_code == 200 and MESSAGE in str(response.context["form"].errors[field])
    episode.refresh_from_db()
    assert episode.notes == "Before" and episode.version == 1


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", EPISODE_TEXT)
def test_the_episode_form_refuses_unstorable_text_in_each_text_field(child, text, field) -> None:
    form = EpisodeForm(valid(**{field: text}), child=child, instance=Episode(child=child))
    assert not form.is_valid() and field in form.errors


def test_the_rescue_given_on_the_timer_with_a_nul_is_refused(owner_client, child, owner) -> None:
    running = make_episode(
        child, started_at=timezone.now() - timedelta(minutes=1), in_progress=True, duration_seconds=None
    )
    response = owner_client.post(url("episode-rescue", running), {"rescue_medicine": "Midazolam\x00"})
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    running.refresh_from_db()
    assert running.rescue_medicine == "" and running.rescue_given_at is None


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_the_rescue_form_refuses_unstorable_text(text) -> None:
    form = RescueForm({"rescue_medicine": text})
    assert not form.is_valid() and MESSAGE in str(form.errors["rescue_medicine"])


@pytest.mark.parametrize("field", ["name", "dose", "notes"])
def test_a_treatment_with_a_nul_is_refused_on_add_and_edit(owner_client, child, field) -> None:
    response = owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), TREATMENT | {field: "\x00"})
    assert response.status_code == 200 and MESSAGE in str(response.context["form"].errors[field])
    treatment = make_treatment(child, dose="10 mg")
    response = owner_client.post(url("treatment-edit", treatment), TREATMENT | {field: "x\x00"})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert Treatment.objects.get().dose == "10 mg"


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", ["name", "dose", "notes"])
def test_the_treatment_form_refuses_unstorable_text(child, text, field) -> None:
    form = TreatmentForm(TREATMENT | {field: text}, child=child)
    assert not form.is_valid() and field in form.errors
