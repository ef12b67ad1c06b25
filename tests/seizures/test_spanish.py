"""The emergency screens and the past-seizure form in Spanish: their Spanish words, and none of
the English ones a family would otherwise meet there (a string someone forgot to mark, or to
translate, shows up here)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caregiver.models import User
from tests.support.factories import make_episode

pytestmark = pytest.mark.django_db

# English words of the app's own on these pages, each one a sentence or label a user reads.
TIMER_ENGLISH = [
    "Seizure timer",
    "Seizure in progress",
    "Seizure ended",
    "follow the rescue plan",
    "Hide the plan",
    "What do you see?",
    "Which side?",
    "Which limb?",
    "Colour change",
    "Where it shows",
    "Began in",
    "Remove the last step",
    "Rescue medicine",
    "Given now",
    "What was given",
    "Skip to content",
    "Learn",
    "Account",
    "not medical advice",
    "Reload the page",
]
HOME_ENGLISH = [
    "Seizure now",
    "Starts the timer",
    "Count one seizure now",
    "Too frequent to count",
    "Today:",
    "No more seizures today",
    "Last seizure",
    "Log a past seizure",
    "Ongoing treatments",
    "Timeline",
]
FORM_ENGLISH = [
    "Log a past seizure",
    "Started at",
    "How long it lasted",
    "Duration not known",
    "Signs",
    "Migration path",
    "Type of seizure",
    "Cancel",
    "Notes",
    "Sudden stillness or staring",
]


def visible_text(response) -> str:
    """What a reader sees: tags, scripts and attribute values left out."""
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def english_left(text: str, words: list[str]) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text)]


@pytest.fixture
def spanish(owner, child):
    User.objects.filter(pk=owner.pk).update(language="es")
    child.rescue_plan = "Midazolam bucal 2,5 mg, luego llamar al 112."
    child.save()
    return child


def test_the_timer_and_its_rescue_alert_in_spanish(owner_client, spanish, owner) -> None:
    seizure = make_episode(spanish, started_at=timezone.now(), in_progress=True, duration_seconds=None, logged_by=owner)
    response = owner_client.get(reverse("seizures:timer", args=[spanish.public_id, seizure.public_id]))
    text = visible_text(response)
    assert '<html lang="es"' in response.content.decode()
    spanish_words = ["Cronómetro de la crisis", "Crisis en curso", "La crisis terminó", "¿Qué ve?", "Dada ahora"]
    assert [word for word in spanish_words if word not in text] == []
    assert english_left(text, TIMER_ENGLISH) == []
    # The phone's outbox words come from the page, in the page's language.
    assert "Todos los registros est" in response.content.decode()


def test_the_home_page_in_spanish(owner_client, spanish) -> None:
    text = visible_text(owner_client.get(spanish.get_absolute_url()))
    for word in ["Crisis ahora", "Contar una crisis ahora", "Hoy: 0 crisis", "Demasiado frecuentes para contarlas",
                 "No hubo más crisis hoy", "Anotar una crisis pasada"]:  # fmt: skip
        assert word in text
    assert english_left(text, HOME_ENGLISH) == []


def test_the_past_seizure_form_and_its_errors_in_spanish(owner_client, spanish) -> None:
    url = reverse("seizures:episode-add", args=[spanish.public_id])
    text = visible_text(owner_client.get(url))
    for word in ["Anotar una crisis pasada", "Empezó a las", "Cuánto duró", "Signos", "Recorrido de la crisis"]:
        assert word in text
    assert english_left(text, FORM_ENGLISH) == []

    refused = owner_client.post(url, {"started_at": "yesterday", "duration_minutes": "1"})
    assert refused.status_code in (200, 400)
    errors = visible_text(refused)
    assert "Corrija los campos marcados. Todavía no se ha guardado nada." in errors
    assert "Escriba una fecha y una hora" in errors
    assert english_left(errors, ["Please correct", "Enter a date and time", "This field is required"]) == []


def test_the_outbox_is_told_why_an_entry_was_refused_in_spanish(owner_client, spanish) -> None:
    """The phone shows the server's reason under "No guardado: el servidor lo rechazó:"."""
    url = reverse("seizures:sync", args=[spanish.public_id])
    unreadable = owner_client.post(url, "{not json", content_type="application/json").json()
    assert unreadable["message"] == "No se pudo leer este registro."
    tap = {"kind": "tally", "client_uuid": "not-a-uuid", "tapped_at": timezone.now().isoformat()}
    refused = owner_client.post(url, tap, content_type="application/json")
    assert refused.status_code == 400
    assert "clave del registro" in str(refused.json()["errors"])
