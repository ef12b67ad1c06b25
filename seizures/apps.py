from __future__ import annotations

from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "seizures"
    # What the logging pages need with no network (caregiver.pwa precaches every app's list).
    offline_static = (
        "seizures/seizures.css",
        "seizures/seizures.js",
        "seizures/rules.js",
        "seizures/logging.js",
        "seizures/timer.js",
        "seizures/signs.svg",
    )
    # A child's home page (Child.get_absolute_url), so caregiver never names this app's URLs.
    child_home = "seizures:home"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from caregiver.signals import child_data_export, demo_child_seeded
        from seizures import receivers

        connection_created.connect(receivers.no_jit, dispatch_uid="seizures.no_jit")

        child_data_export.connect(receivers.export_episodes, dispatch_uid="seizures.export_episodes")
        child_data_export.connect(receivers.export_treatments, dispatch_uid="seizures.export_treatments")
        child_data_export.connect(receivers.export_diary_days, dispatch_uid="seizures.export_diary_days")
        child_data_export.connect(receivers.export_action_plan, dispatch_uid="seizures.export_action_plan")
        child_data_export.connect(receivers.export_medicines, dispatch_uid="seizures.export_medicines")
        demo_child_seeded.connect(receivers.seed_demo_history, dispatch_uid="seizures.seed_demo_history")
