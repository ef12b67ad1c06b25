from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education")

    def ready(self) -> None:
        from education.signals import load_content_after_migrate

        # Like django.contrib.sites creating its default site: every `migrate` (each deploy,
        # each fresh test database) brings the published content in line with the files.
        post_migrate.connect(load_content_after_migrate, sender=self, dispatch_uid="education-load-content")
