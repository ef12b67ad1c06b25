"""The installable app: the web app manifest, the service worker and the page shown for pages
that need a connection. All three are public (a browser fetches the manifest without the
user's cookies), and none carries any family's data.

Views elsewhere mark the pages a phone should keep for offline use with `offline_page`; the
service worker keeps exactly those (see templates/caregiver/sw.js), so this app never needs
to know the other apps' URLs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from caregiver.languages import active_language

# The header that tells the service worker to keep a page on the phone; its value is the
# path the page is kept under (pages whose query only picks what the script shows share one).
OFFLINE_HEADER = "Offline-Cache"
LIGHT = {"theme_color": "#1d4ed8", "background_color": "#ffffff"}
DARK = {"theme_color": "#0f172a", "background_color": "#0f172a"}
ICONS = [
    ("caregiver/icons/icon-192.png", 192, "any"),
    ("caregiver/icons/icon-512.png", 512, "any"),
    ("caregiver/icons/maskable-192.png", 192, "maskable"),
    ("caregiver/icons/maskable-512.png", 512, "maskable"),
]
APPLE_TOUCH_ICON = "caregiver/icons/apple-touch-icon.png"


def offline_page(view: Callable[..., HttpResponse] | None = None, *, query: tuple[str, ...] = (), start: bool = False):
    """Marks a page's successful answers as ones the phone keeps for offline use (in the
    service worker's cache, under the request's path). `query` names the query parameters
    that only steer the page's script (one kept copy serves them all); a request with any
    other parameter is not kept. `start` marks the page "/" opens offline (the child's home,
    where "/" redirects a family with one child). The page must work from what it holds,
    its script doing the rest; sign-out removes every kept page.

    Use as ``@offline_page`` or ``@offline_page(query=("id",))``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and set(request.GET) <= set(query):
                response[OFFLINE_HEADER] = request.path + ("; start" if start else "")
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: installable, full-screen, opening at "/" (which takes a family
    with one child straight to that child's page), with the app's own icons."""
    data = {
        "id": "/",
        "name": _("Seizure log"),
        "short_name": _("Seizure log"),
        "description": _("A seizure diary for families living with MMPEI."),
        # The language its name and description were just translated into.
        "lang": active_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        **LIGHT,
        # The dark scheme's colours (Web App Manifest `color_scheme_dark`); browsers that do
        # not know it use the meta theme-color of each page instead.
        "color_scheme_dark": DARK,
        "categories": ["health", "medical"],
        "icons": [
            {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ]
        + [{"src": static("caregiver/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache"
    return response


def offline_static() -> list[str]:
    """What a logging page needs to work with no network, fetched when the service worker
    installs: every installed app's `offline_static` (an AppConfig attribute)."""
    return [path for config in apps.get_app_configs() for path in getattr(config, "offline_static", ())]


def _precache() -> list[str]:
    return [static(path) for path in offline_static()] + [reverse("offline:page")]


def _version(precache: list[str]) -> str:
    """Changes whenever the worker or anything it keeps changes, so phones pick up a new
    release: with hashed static names (production) the names say it; without (development,
    tests) the files' sizes and modification times do."""
    digest = hashlib.sha256(json.dumps(precache).encode())
    digest.update(Path(get_template("caregiver/sw.js").origin.name).read_bytes())
    if not hasattr(staticfiles_storage, "manifest_name"):
        for path in offline_static():
            found = finders.find(path)
            if found:
                stat = Path(found).stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that its scope covers every page."""
    precache = _precache()
    context = {
        "version": _version(precache),
        "precache": json.dumps(precache),
        "static_url": json.dumps(settings.STATIC_URL),
        # Hashed names never change content, so the worker may keep them for good.
        "hashed": json.dumps(hasattr(staticfiles_storage, "manifest_name")),
        "offline_url": json.dumps(reverse("offline:page")),
        "header": json.dumps(OFFLINE_HEADER.lower()),
        "alert_title": _("Seizure log"),
    }
    response = HttpResponse(render_to_string("caregiver/sw.js", context), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    # The browser asks again on every navigation (no-cache): the same worker answers 304.
    response["Cache-Control"] = "no-cache"
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    return get_conditional_response(request, etag=response["ETag"], response=response)


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the phone shows, from its cache, for a page that needs the server."""
    return render(request, "caregiver/offline.html")
