"""The installable app's public routes (namespace "offline"): manifest, service worker (at
the root, so its scope covers every page) and the page for pages that need a connection."""

from __future__ import annotations

from django.urls import path

from caregiver import pwa

app_name = "offline"

urlpatterns = [
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="page"),
]
