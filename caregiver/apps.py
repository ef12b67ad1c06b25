from __future__ import annotations

from django.apps import AppConfig


class CaregiverConfig(AppConfig):
    name = "caregiver"
    verbose_name = "Accounts and care teams"
    # Static files every page needs with no network; each app lists its own (see caregiver.pwa).
    offline_static = (
        "caregiver/css/app.css",
        "caregiver/js/app.js",
        "caregiver/js/outbox.js",
        "caregiver/js/outbox-status.js",
        "caregiver/js/pwa.js",
        "caregiver/icons/icon.svg",
        "django_htmx/htmx-2.min.js",
    )

    def ready(self) -> None:
        from caregiver import audit  # noqa: F401  (connects the account-deletion receiver)
