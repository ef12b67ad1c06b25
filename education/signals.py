"""Loading the repository's content after `migrate`."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations.loader import MigrationLoader

from education.content import read_libraries
from education.loading import sync_libraries
from education.models import Article


def _schema_is_current(using: str) -> bool:
    # `migrate` fires post_migrate even when it stopped short of education's latest migration
    # (say `migrate education zero`); the models would not match the tables then.
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return set(loader.graph.leaf_nodes("education")) <= set(loader.applied_migrations)


def load_content_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs) -> None:
    if not router.allow_migrate_model(using, Article) or not _schema_is_current(using):
        return
    report = sync_libraries(read_libraries(), using=using)
    stdout = kwargs.get("stdout")
    if stdout is not None and verbosity >= 1 and (report.changed or report.kept or report.conflicts):
        stdout.write(f"  Education content: {report.summary()}")
