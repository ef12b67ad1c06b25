"""The installable app: manifest, service worker, the offline page, and which pages a phone
may keep for offline use."""

from __future__ import annotations

import gzip
import json
import re
import struct
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from caregiver.pwa import OFFLINE_HEADER, offline_static

pytestmark = pytest.mark.django_db


def png_size(path: str) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    data = Path(path).read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def static_file(url: str) -> str:
    found = finders.find(url.removeprefix("/static/"))
    assert found, url
    return found


def test_manifest_makes_the_app_installable_full_screen_from_the_home_page(client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "Seizure log"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#1d4ed8" and manifest["background_color"] == "#ffffff"
    assert manifest["color_scheme_dark"] == {"theme_color": "#0f172a", "background_color": "#0f172a"}
    assert (manifest["lang"], manifest["dir"]) == ("en", "ltr")


def test_the_manifest_speaks_the_installers_language_and_says_which(client) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="es").content)
    assert manifest["name"] == "Diario de crisis"
    assert "MMPEI" in manifest["description"] and "families" not in manifest["description"]
    assert manifest["lang"] == "es"


def test_manifest_icons_are_the_apps_own_at_the_sizes_they_claim(client) -> None:
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]
    pngs = [icon for icon in icons if icon["type"] == "image/png"]
    assert {(icon["sizes"], icon["purpose"]) for icon in pngs} == {
        ("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")
    }  # fmt: skip
    for icon in pngs:
        width, height = png_size(static_file(icon["src"]))
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
    assert png_size(static_file("/static/caregiver/icons/apple-touch-icon.png")) == (180, 180)


def test_every_page_links_the_manifest_and_the_touch_icon(client) -> None:
    body = client.get(reverse("login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'rel="apple-touch-icon" href="/static/caregiver/icons/apple-touch-icon.png"' in body
    assert 'data-service-worker="/sw.js"' in body and 'data-served="network"' in body


def test_service_worker_is_served_from_the_root_for_the_whole_site(client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and "no-cache" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    body = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert precache == [f"/static/{path}" for path in offline_static()] + ["/offline/"]
    # Each app declares its own: the timer's script and the outbox's are both kept.
    assert {"/static/seizures/timer.js", "/static/caregiver/js/outbox.js"} <= set(precache)
    assert all(finders.find(path) for path in offline_static())
    assert 'const HEADER = "offline-cache";' in body and "const HASHED = false;" in body


def test_the_browsers_update_check_for_an_unchanged_worker_is_a_304(client) -> None:
    first = client.get("/sw.js")
    again = client.get("/sw.js", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/sw.js", headers={"If-None-Match": '"another"'}).status_code == 200


def test_pages_go_compressed_to_a_browser_that_accepts_it(owner_client, child) -> None:
    plain = owner_client.get(f"/c/{child.public_id}/")
    packed = owner_client.get(f"/c/{child.public_id}/", headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count("<html") == 1
    assert len(packed.content) < len(plain.content) / 3


def test_service_worker_keeps_hashed_names_in_production(client, tmp_path, settings) -> None:
    # The manifest collectstatic writes, for the files the worker keeps (collecting them all,
    # plotly included, is tested in test_sessions_and_static.py and takes a while).
    paths = {path: re.sub(r"(\.\w+)$", r".0123456789ab\1", path) for path in offline_static()}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "x"}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    }
    body = client.get("/sw.js").content.decode()
    assert "const HASHED = true;" in body
    assert '"/static/caregiver/js/outbox.0123456789ab.js"' in body


def test_the_offline_page_is_public_and_says_what_needs_a_connection(client) -> None:
    body = client.get("/offline/").content.decode()
    assert "This page needs a connection" in body and "Logging still works" in body


def kept_as(response) -> str | None:
    return response.headers.get(OFFLINE_HEADER)


def test_logging_pages_may_be_kept_on_the_phone(owner_client, child) -> None:
    base = f"/c/{child.public_id}/"
    key = uuid.uuid4()
    assert kept_as(owner_client.get(base)) == f"{base}; start"
    assert kept_as(owner_client.get(f"{base}seizures/now/?id={key}")) == f"{base}seizures/now/"
    assert kept_as(owner_client.get(f"{base}seizures/new/?fix={key}")) == f"{base}seizures/new/"
    assert kept_as(owner_client.get(f"{base}seizures/")) == f"{base}seizures/"
    assert kept_as(owner_client.get(f"{base}plan/")) == f"{base}plan/"


def test_every_member_keeps_the_action_plan_for_offline_use(client, child, clinician) -> None:
    """The plan must open mid-seizure with no signal, for a reader too."""
    client.force_login(clinician)
    home = client.get(f"/c/{child.public_id}/").content.decode()
    kept = re.search(r'<meta name="offline-pages" content="([^"]*)"', home)[1].split()
    assert kept == [f"/c/{child.public_id}/", f"/c/{child.public_id}/plan/"]


def test_pages_that_need_the_server_or_are_filtered_are_not_kept(owner_client, child) -> None:
    base = f"/c/{child.public_id}/"
    for path in (f"{base}seizures/?sign=apnea", f"{base}team/", f"{base}settings/", "/account/", f"{base}treatments/"):
        assert kept_as(owner_client.get(path)) is None, path


def test_a_page_refused_to_this_user_is_not_kept(client, child, clinician) -> None:
    client.force_login(clinician)
    response = client.get(f"/c/{child.public_id}/seizures/now/")
    assert response.status_code == 403 and kept_as(response) is None


def test_the_timer_shell_carries_a_stored_seizure_only_for_its_own_child(owner_client, child, outsider) -> None:
    from tests.support.factories import make_episode

    mine = make_episode(child, in_progress=True, duration_seconds=None, apnea=True)
    theirs = make_episode(outsider.memberships.get().child, in_progress=True, duration_seconds=None)
    base = f"/c/{child.public_id}/seizures/now/"
    body = owner_client.get(f"{base}?id={mine.client_uuid}").content.decode()
    state = json.loads(re.search(r'<script id="timer-state" type="application/json">(.*?)</script>', body).group(1))
    assert state["client_uuid"] == str(mine.client_uuid) and state["apnea"] is True and state["in_progress"]
    other = owner_client.get(f"{base}?id={theirs.client_uuid}").content.decode()
    assert 'id="timer-state"' not in other and str(theirs.public_id) not in other
