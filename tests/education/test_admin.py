"""Staff edit education content in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from education.models import Article, GlossaryTerm, Status, Tip


@pytest.mark.parametrize("model", [Article, Tip, GlossaryTerm])
def test_admin_lists_and_opens_each_kind_of_record(client, superuser, model) -> None:
    client.force_login(superuser)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    record = model.objects.first()
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
    assert change.status_code == 200
    assert "the loaders will update it when its source changes" in change.content.decode()


def test_admin_filters_by_origin(client, superuser) -> None:
    Article.objects.create(slug="mine", title="Written here", body="x")
    client.force_login(superuser)
    html = client.get(reverse("admin:education_article_changelist"), {"origin": "admin"}).content.decode()
    assert "Written here" in html and "Signs a caregiver may see" not in html


def test_editing_in_the_admin_marks_the_article_as_edited(client, superuser) -> None:
    article = Article.objects.get(language="en", slug="research")
    client.force_login(superuser)
    data = {
        "title": article.title,
        "slug": article.slug,
        "language": article.language,
        "summary": article.summary,
        "body": article.body.replace("\n", "\r\n") + "\r\n\r\nA new paragraph.",
        "order": article.order,
        "status": article.status,
        "source": article.source,
        "reviewed_on": "2026-12-01",
    }
    response = client.post(reverse("admin:education_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.endswith("A new paragraph.") and "\r" not in article.body
    assert article.edited_since_loaded
    assert "new paragraph" in article.search_text


def test_publish_action_publishes_drafts(client, superuser) -> None:
    draft = Article.objects.create(slug="draft", title="Draft", body="x")
    client.force_login(superuser)
    client.post(
        reverse("admin:education_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


@pytest.mark.django_db
def test_families_cannot_open_the_admin(owner_client) -> None:
    response = owner_client.get(reverse("admin:education_article_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
