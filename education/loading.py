"""Writing content from files and imported fact sheets into the database.

The rule, for every record that has an origin: its source may rewrite it only while the record
still holds exactly what that source last wrote (see `Content.origin_fingerprint`). Once staff
edit it in the admin, loaders report it as "kept" and leave it alone, unless forced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

from education.content import Entry, Library
from education.models import Article, Content, GlossaryTerm, Status, Tip

FACTSHEET_PREFIX = "factsheet:"


def is_file_backed(origin: str) -> bool:
    return bool(origin) and not origin.startswith(FACTSHEET_PREFIX)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn)

    def lines(self) -> list[str]:
        """One line per record that was written or left alone for a reason; unchanged ones are
        only counted."""
        return [
            *(f"created {label}" for label in self.created),
            *(f"updated {label}" for label in self.updated),
            *(f"withdrawn {label} (its file is gone; now a draft)" for label in self.withdrawn),
            *(f"kept {label} (edited in the admin since it was loaded)" for label in self.kept),
            *(f"skipped {label}" for label in self.conflicts),
        ]

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept, {len(self.withdrawn)} withdrawn, {len(self.conflicts)} skipped"
        )


def apply(
    record: Content,
    values: dict[str, object],
    origin: str,
    *,
    label: str,
    report: Report,
    force: bool,
    using: str,
) -> None:
    """Write `values` from `origin` into `record` (new or loaded), following the module's rule."""
    if record.pk is not None and record.edited_since_loaded and not force:
        report.kept.append(label)
        return
    for name, value in values.items():
        setattr(record, name, value)
    record.normalise()
    new_fingerprint = record.fingerprint()
    if record.pk is not None and new_fingerprint == record.origin_fingerprint and record.origin == origin:
        report.unchanged.append(label)
        return
    created = record.pk is None
    record.origin, record.origin_fingerprint = origin, new_fingerprint
    record.save(using=using)
    (report.created if created else report.updated).append(label)


def _sync_model(
    model: type[Content], language: str, entries: Iterable[Entry], report: Report, *, force: bool, using: str
) -> None:
    noun = model._meta.verbose_name
    # Labels name the language only where it is not the default, so English reports read as before.
    suffix = "" if language == settings.LANGUAGE_CODE else f" ({language})"
    existing = {record.slug: record for record in model.objects.using(using).filter(language=language)}
    loaded: set[str] = set()
    for entry in entries:
        loaded.add(entry.slug)
        label = f"{noun} '{entry.slug}'{suffix}"
        record = existing.get(entry.slug)
        if record is not None and not is_file_backed(record.origin):
            owner = "an imported draft" if record.origin else "a record written in the admin"
            report.conflicts.append(f"{label}: the slug belongs to {owner}")
            continue
        record = record or model(slug=entry.slug, language=language)
        apply(record, entry.values, entry.origin, label=label, report=report, force=force, using=using)
    for record in existing.values():
        if record.slug in loaded or not is_file_backed(record.origin) or not record.is_published:
            continue
        label = f"{noun} '{record.slug}'{suffix}"
        if record.edited_since_loaded and not force:
            report.kept.append(label)
            continue
        record.status = Status.DRAFT
        record.origin_fingerprint = record.fingerprint()
        record.save(using=using)
        report.withdrawn.append(label)


def sync_library(library: Library, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Bring one language's records in line with its content files (see `sync_libraries`)."""
    return sync_libraries([library], force=force, using=using)


def sync_libraries(libraries: Iterable[Library], *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Bring the database in line with the content files, in one transaction. Idempotent: a
    second run reports everything unchanged. Records whose file is gone become drafts; a
    language with no folder at all is left as it is."""
    report = Report()
    with transaction.atomic(using=using):
        for library in libraries:
            for model, entries in ((Article, library.articles), (Tip, library.tips), (GlossaryTerm, library.glossary)):
                _sync_model(model, library.language, entries, report, force=force, using=using)
    return report
