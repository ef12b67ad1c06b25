from __future__ import annotations

from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "seizures"

    def ready(self) -> None:
        from caregiver.signals import child_data_export, demo_child_seeded
        from seizures import receivers

        child_data_export.connect(receivers.export_episodes, dispatch_uid="seizures.export_episodes")
        child_data_export.connect(receivers.export_treatments, dispatch_uid="seizures.export_treatments")
        demo_child_seeded.connect(receivers.seed_demo_history, dispatch_uid="seizures.seed_demo_history")
