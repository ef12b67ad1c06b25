from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone


def test_session_slides_while_the_app_is_used_and_expires_after_14_idle_days(client, owner) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(owner)
    for day in (10, 20, 30):  # used every ten days: still signed in a month later
        with time_machine.travel(start + timedelta(days=day), tick=False):
            assert client.get("/account/").status_code == 200, day
    with time_machine.travel(start + timedelta(days=30 + 15), tick=False):
        assert client.get("/account/").status_code == 302


@pytest.mark.slow
def test_collectstatic_builds_hashed_and_compressed_files(tmp_path: Path, settings) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    css = [p for p in (tmp_path / "caregiver" / "css").iterdir() if p.name.startswith("app.") and p.suffix == ".css"]
    hashed = [p for p in css if p.name != "app.css"]
    assert hashed, "a content-hashed copy of app.css"
    assert Path(f"{hashed[0]}.br").exists() and Path(f"{hashed[0]}.gz").exists()
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "django_htmx").glob("htmx-2.min.*.js"))
