from __future__ import annotations

from django.apps import AppConfig


class CaregiverConfig(AppConfig):
    name = "caregiver"
    verbose_name = "Accounts and care teams"
