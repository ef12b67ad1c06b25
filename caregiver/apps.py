from __future__ import annotations

from django.apps import AppConfig


class CaregiverConfig(AppConfig):
    name = "caregiver"
    verbose_name = "Accounts and care teams"

    def ready(self) -> None:
        from caregiver import audit  # noqa: F401  (connects the account-deletion receiver)
