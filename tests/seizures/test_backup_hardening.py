"""`import_child` refuses what it cannot import with one clear line and imports nothing: text
no database can store, a file too deeply nested, a folder, /dev/zero, a FIFO, values over the
forms' limits, a person with no e-mail address. People it creates set their password through
"forgotten password", end to end."""

from __future__ import annotations

import json
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.core.management import CommandError, call_command

from caregiver.models import Child, User
from seizures.backup import export_child
from seizures.models import Episode

pytestmark = pytest.mark.django_db
PASSPHRASE = "a new passphrase for gran's phone"


def _import(path: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("import_child", str(path), stdout=StringIO())
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def _exported_then_deleted(child: Child, tmp_path: Path, change) -> Path:
    document = export_child(child)
    change(document)
    child.delete()
    path = tmp_path / "family.json"
    path.write_text(json.dumps(document))  # \u escapes, as any JSON writer may produce them
    return path


def _nothing_imported() -> bool:
    return not Child.objects.exists() and not Episode.objects.exists()


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    ("section", "field"),
    [("episodes", "notes"), ("episodes", "rescue_medicine"), ("treatments", "dose"), ("child", "rescue_plan")],
)
def test_text_no_database_can_store_is_refused_naming_where(history, tmp_path, text, section, field) -> None:
    def poison(document: dict) -> None:
        row = document[section] if section == "child" else document[section][0]
        row[field] = text

    message = _import(_exported_then_deleted(history, tmp_path, poison))
    where = f"{section}.{field}" if section == "child" else f"{section}[0].{field}"
    assert "cannot be stored" in message and where in message and "nothing was imported" in message
    assert _nothing_imported()


def test_a_nul_in_a_migration_path_or_a_field_name_is_refused(history, tmp_path) -> None:
    def poison(document: dict) -> None:
        document["episodes"][0]["path"][0]["region"] = "left\x00arm"
        document["audit_events"][0]["x\ud800"] = 1

    assert "cannot be stored" in _import(_exported_then_deleted(history, tmp_path, poison))
    assert _nothing_imported()


def test_notes_over_the_forms_limit_are_refused(history, tmp_path) -> None:
    def long_notes(document: dict) -> None:
        document["episodes"][0]["notes"] = "x" * 5001

    message = _import(_exported_then_deleted(history, tmp_path, long_notes))
    assert "notes is 5,001 characters; the limit is 5,000" in message
    assert _nothing_imported()


@pytest.mark.parametrize("email", ["", "   ", "not an address"])
def test_a_person_without_a_valid_email_is_refused(history, tmp_path, email) -> None:
    def blank(document: dict) -> None:
        document["people"][0]["email"] = email

    assert "no valid e-mail address" in _import(_exported_then_deleted(history, tmp_path, blank))
    assert _nothing_imported() and not User.objects.filter(email=email.strip()).exists()


def test_json_nested_too_deeply_is_refused(tmp_path, db) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in _import(path)


def test_a_folder_is_refused(tmp_path, db) -> None:
    assert "is a folder" in _import(tmp_path)


def test_a_device_that_never_ends_is_refused_without_reading_it(db) -> None:
    assert "not a regular file" in _import(Path("/dev/zero"))


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, db) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "not a regular file" in _import(fifo)


def test_people_an_import_created_set_their_password_by_forgotten_password(history, tmp_path, client) -> None:
    path = tmp_path / "family.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    history.delete()
    User.objects.filter(email="grandma@example.com").delete()
    call_command("import_child", str(path), stdout=StringIO())
    assert not User.objects.get(email="grandma@example.com").has_usable_password()

    client.post("/accounts/password/reset/", {"email": "Grandma@example.com"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grandma@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE})
    assert response.status_code == 302

    response = client.post("/accounts/login/", {"username": "grandma@example.com", "password": PASSPHRASE})
    assert response.status_code == 302 and get_user(client).email == "grandma@example.com"
    child = Child.objects.get()
    assert client.get(f"/c/{child.public_id}/").status_code == 200


def test_an_inactive_person_gets_no_reset_mail(client, owner) -> None:
    owner.set_unusable_password()
    owner.is_active = False
    owner.save()
    client.post("/accounts/password/reset/", {"email": owner.email})
    assert mail.outbox == []
