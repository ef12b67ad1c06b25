from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, timedelta

import time_machine

from caregiver.models import AuditEvent, Child, Membership, Role
from tests.conftest import make_child

VALID = {
    "name": "Robin",
    "born_on": "2026-02-10",
    "diagnosis": "MMPEI",
    "gene_variant": "kcnt1",
    "time_zone": "America/New_York",
    "rescue_plan": "Midazolam after 5 minutes.",
    "rescue_threshold_minutes": "5",
}


def test_adding_a_child_makes_you_its_owner_and_is_audited(owner_client, owner) -> None:
    response = owner_client.post("/children/new/", VALID)
    child = Child.objects.get()
    assert response["Location"] == f"/c/{child.public_id}/"
    assert Membership.objects.get(child=child).role == Role.OWNER
    assert AuditEvent.objects.filter(child=child, action="create", actor=owner).exists()


def test_new_child_form_offers_the_iana_zones_and_preselects_the_browser_zone(owner_client) -> None:
    page = owner_client.get("/children/new/").content.decode()
    assert 'value="Pacific/Auckland"' in page
    assert "data-browser-time-zone" in page


def test_new_child_form_starts_on_no_zone_and_asks_for_one(owner_client) -> None:
    page = owner_client.get("/children/new/").content.decode()
    select = re.search(r"<select name=\"time_zone\".*?</select>", page, re.S).group(0)
    # Without scripts it starts on "Choose…", never on an arbitrary zone such as Africa/Abidjan.
    assert re.findall(r"<option [^>]*selected[^>]*>[^<]*", select) == ['<option value="" selected>Choose…']
    response = owner_client.post("/children/new/", VALID | {"time_zone": ""})
    assert response.status_code == 200
    assert "Choose the time zone your household lives in" in response.content.decode()
    assert not Child.objects.exists()


def test_new_child_form_maps_old_zone_names_browsers_report_to_current_ones(owner_client) -> None:
    page = owner_client.get("/children/new/").content.decode()
    renames = json.loads(html.unescape(re.search(r'data-browser-time-zone="([^"]*)"', page).group(1)))
    assert renames["Asia/Calcutta"] == "Asia/Kolkata"  # what Chromium reports in India
    assert "America/Chicago" not in renames


def test_settings_say_the_zone_and_the_time_there_now(owner_client, owner) -> None:
    child = make_child(owner, time_zone="America/Chicago")
    with time_machine.travel(datetime(2026, 12, 1, 20, 5, tzinfo=UTC), tick=False):
        page = owner_client.get(f"/c/{child.public_id}/settings/").content.decode()
    assert "America/Chicago — now 14:05." in page
    assert '<option value="America/Chicago" selected>' in page and "Choose…" not in page


def test_unknown_time_zone_is_refused(owner_client) -> None:
    response = owner_client.post("/children/new/", VALID | {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Child.objects.exists()


def test_future_birth_and_seizures_before_birth_are_explained(owner_client) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    page = owner_client.post("/children/new/", VALID | {"born_on": tomorrow}).content.decode()
    assert "cannot be in the future" in page
    page = owner_client.post("/children/new/", VALID | {"seizures_began_on": "2026-01-01"}).content.decode()
    assert "cannot begin before the date of birth" in page
    assert not Child.objects.exists()


def test_cluster_alert_needs_both_numbers(owner_client) -> None:
    page = owner_client.post("/children/new/", VALID | {"cluster_alert_count": "6"}).content.decode()
    assert "both the number of seizures and the hours" in page


def test_invalid_form_keeps_what_was_typed(owner_client) -> None:
    page = owner_client.post("/children/new/", VALID | {"born_on": "not a date"}).content.decode()
    assert 'value="Robin"' in page
    assert "Midazolam after 5 minutes." in page


def test_owner_edits_settings_and_the_change_is_audited(owner_client, child) -> None:
    data = VALID | {"rescue_threshold_minutes": "3", "time_zone": child.time_zone, "born_on": "2026-03-01"}
    response = owner_client.post(f"/c/{child.public_id}/settings/", data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.rescue_threshold_minutes == 3
    assert "rescue_threshold_minutes" in AuditEvent.objects.get(child=child, action="edit").summary


def test_caregiver_cannot_change_the_childs_settings(client, child, caregiver_user) -> None:
    client.force_login(caregiver_user)
    assert client.get(f"/c/{child.public_id}/settings/").status_code == 403
    assert client.post(f"/c/{child.public_id}/settings/", VALID).status_code == 403


def test_deleting_a_child_needs_its_name_typed(owner_client, child) -> None:
    page = owner_client.post(f"/c/{child.public_id}/delete/", {"name": "robbin"}).content.decode()
    assert "not the child" in page
    assert Child.objects.filter(pk=child.pk).exists()
    response = owner_client.post(f"/c/{child.public_id}/delete/", {"name": child.name})
    assert response["Location"] == "/"
    assert not Child.objects.filter(pk=child.pk).exists()
    assert AuditEvent.objects.filter(action="delete", child=None, summary__contains=child.name).exists()


def test_owner_reads_the_audit_trail_but_a_caregiver_cannot(client, owner, child, caregiver_user) -> None:
    client.force_login(owner)
    client.post(f"/c/{child.public_id}/settings/", VALID | {"time_zone": "Europe/Berlin", "born_on": "2026-03-01"})
    page = client.get(f"/c/{child.public_id}/audit/").content.decode()
    assert "edit child" in page and owner.email in page
    client.force_login(caregiver_user)
    assert client.get(f"/c/{child.public_id}/audit/").status_code == 403


def test_a_child_page_offers_to_switch_child_only_to_someone_with_another(owner_client, owner, child) -> None:
    """The child's name in the menu is a switch only for a member of another child's team
    (known from the same query that checks the membership)."""
    page = owner_client.get(f"/c/{child.public_id}/").content.decode()
    assert 'class="child-name">Robin<' in page and "child-switch" not in page
    make_child(owner, "Sam")
    page = owner_client.get(f"/c/{child.public_id}/").content.decode()
    assert 'class="child-switch"' in page and "Robin ⇄" in page
