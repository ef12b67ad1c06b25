from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from education.models import Article, Content, GlossaryTerm, Status, Tip


class OriginFilter(admin.SimpleListFilter):
    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [
            ("file", _("Content file")),
            ("factsheet", _("Imported fact sheet")),
            ("admin", _("Written here")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "factsheet":
            return queryset.filter(origin__startswith="factsheet:")
        if self.value() == "file":
            return queryset.exclude(origin="").exclude(origin__startswith="factsheet:")
        if self.value() == "admin":
            return queryset.filter(origin="")
        return queryset


class ContentAdmin(admin.ModelAdmin):
    list_filter = ["language", "status", OriginFilter]
    readonly_fields = ["origin", "edited_note", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name, choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("loader"))
    def edited_note(self, obj: Content) -> str:
        if not obj.origin:
            return _("Written here: no file or fact sheet will change it.")
        if obj.edited_since_loaded:
            return _("Edited here since it was loaded: the loaders leave it alone now.")
        return _("Unchanged since it was loaded: the loaders will update it when its source changes.")

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        # One save per record (not queryset.update) so derived fields stay in step.
        count = 0
        for record in queryset:
            if record.status != status:
                record.status = status
                record.save()
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d record changed.", "%(count)d records changed.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected records"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Turn the selected records back into drafts"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Status.DRAFT)


@admin.register(Article)
class ArticleAdmin(ContentAdmin):
    list_display = ["title", "slug", "language", "order", "status", "reviewed_on", "origin"]
    list_editable = ["order"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "language",
        "summary",
        "body",
        "order",
        "status",
        "source",
        "reviewed_on",
        *ContentAdmin.readonly_fields,
    ]


@admin.register(Tip)
class TipAdmin(ContentAdmin):
    list_display = ["title", "slug", "language", "order", "status", "reviewed_on"]
    list_editable = ["order"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "language",
        "body",
        "order",
        "status",
        "source",
        "reviewed_on",
        *ContentAdmin.readonly_fields,
    ]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ContentAdmin):
    list_display = ["term", "slug", "language", "aliases", "autolink", "status"]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "language", "aliases", "definition", "autolink", "status", "source", "reviewed_on"]
    fields += ContentAdmin.readonly_fields
