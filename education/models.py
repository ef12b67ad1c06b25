"""Education content: articles, caregiver tips and glossary entries.

Each record may be *file-backed*: `origin` names where its text came from (a file under
education/content/, or a heading of an imported fact sheet) and `origin_fingerprint` is a hash
of the fields as that source last wrote them. The loaders (education.loading) rewrite a record
only while its fields still match that hash, so an edit made in the admin is never silently
overwritten by the next deploy. Records written in the admin have an empty origin.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from education import rendering
from education.folding import fold


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ContentQuerySet(models.QuerySet):
    def published(self) -> ContentQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def for_language(self, language: str) -> ContentQuerySet:
        """Records written in `language`, and the default language's records for the slugs not
        (yet) written in it, so a half-translated section has no gaps. Apply after any other
        filter (`published()`): a draft translation does not hide the published original."""
        default = settings.LANGUAGE_CODE
        if language == default:
            return self.filter(language=default)
        translated = self.filter(language=language).values("slug")
        return self.filter(Q(language=language) | (Q(language=default) & ~Q(slug__in=translated)))


class Content(models.Model):
    """What every kind of education record shares: publication state, provenance, review."""

    # The fields a file or an imported sheet controls; the fingerprint covers exactly these.
    SOURCED_FIELDS: tuple[str, ...] = ()

    # A code from settings.LANGUAGES; the admin offers those as choices (not the model, so adding
    # a language needs no migration, as for a member's language).
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    # Unique per language (see each model's constraints): a translation shares its original's
    # slug, so addresses, anchors and links are the same in every language.
    slug = models.SlugField(_("slug"), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the facts come from, shown on the page.")
    )
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    origin = models.CharField(
        _("origin"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("The file or imported fact sheet this text came from; empty if written here."),
    )
    origin_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="%(app_label)s_%(class)s_one_slug_per_language")
        ]

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        # Browsers submit textareas with CRLF line endings; normalising keeps an admin save that
        # changed nothing from looking like an edit to the file loader.
        for field in self.SOURCED_FIELDS:
            value = getattr(self, field)
            if isinstance(value, str):
                setattr(self, field, value.replace("\r\n", "\n").strip())

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def sourced_values(self) -> dict[str, object]:
        return {field: getattr(self, field) for field in self.SOURCED_FIELDS}

    def fingerprint(self) -> str:
        return fingerprint(self.sourced_values())

    @property
    def edited_since_loaded(self) -> bool:
        """True when someone changed the record after its file or sheet last wrote it."""
        return bool(self.origin_fingerprint) and self.fingerprint() != self.origin_fingerprint


def fingerprint(values: dict[str, object]) -> str:
    """A stable hash of field values, the same whether they come from a file or the database."""

    def normal(value: object) -> object:
        if isinstance(value, str):
            return value.replace("\r\n", "\n").strip()
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    canonical = json.dumps({k: normal(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Article(Content):
    SOURCED_FIELDS = ("title", "summary", "body", "order", "source", "reviewed_on", "status")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown. Raw HTML is cleaned before it is shown."))
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Lower numbers come first."))
    # Kept in step with the text on save. Search runs a case-sensitive LIKE on `search_text`,
    # folded (education.folding: no case, no accents), which behaves the same on SQLite and
    # PostgreSQL (icontains does not for non-ASCII letters on SQLite); `plain_text` keeps the
    # original letters for result snippets.
    plain_text = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta(Content.Meta):
        ordering = ["order", "title"]
        constraints = [
            *Content.Meta.constraints,
            # The importer finds a section it imported before by its origin.
            models.UniqueConstraint(
                fields=["language", "origin"],
                condition=Q(origin__startswith="factsheet:"),
                name="education_one_article_per_section",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        self.plain_text = rendering.plain_text(rendering.render(self.body))
        self.search_text = fold(" ".join([self.title, self.summary, self.plain_text]))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("education:article", kwargs={"slug": self.slug})


class Tip(Content):
    SOURCED_FIELDS = ("title", "body", "order", "source", "reviewed_on", "status")

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("A few sentences of Markdown."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Content.Meta):
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def html(self) -> SafeString:
        return rendering.render(self.body)

    def get_absolute_url(self) -> str:
        return reverse("education:tips") + f"#tip-{self.slug}"


class GlossaryTerm(Content):
    SOURCED_FIELDS = ("term", "aliases", "definition", "autolink", "source", "reviewed_on", "status")

    term = models.CharField(_("term"), max_length=120)
    aliases = models.CharField(
        _("aliases"),
        max_length=300,
        blank=True,
        help_text=_("Other forms that link here from articles, separated by commas."),
    )
    definition = models.TextField(_("definition"), help_text=_("Markdown, in plain words."))
    autolink = models.BooleanField(
        _("link from articles"),
        default=True,
        help_text=_("Turn off for words so common that linking every article to them would be noise."),
    )

    class Meta(Content.Meta):
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"

    def forms(self) -> list[str]:
        """The term and its aliases: the words an article may use for it."""
        return [self.term, *(a.strip() for a in self.aliases.split(",") if a.strip())]

    @cached_property
    def html(self) -> SafeString:
        return rendering.render(self.definition)

    def get_absolute_url(self) -> str:
        return reverse("education:glossary") + f"#{self.anchor}"
