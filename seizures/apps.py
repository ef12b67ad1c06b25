from __future__ import annotations

from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "seizures"
