"""A name with a line break is refused where it is typed; an invitation whose e-mail cannot
be sent (a mail server that refuses, a name saved before names were checked) is never a
500: the page says so, shows the link and sends it again on request."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from caregiver.models import AuditEvent, Child, Invitation, Membership
from tests.conftest import make_user

NOT_SENT = "could not be sent"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _child_form(child, **changes) -> dict:
    return {
        "name": child.name,
        "born_on": child.born_on.isoformat(),
        "diagnosis": "MMPEI",
        "gene_variant": "unknown",
        "time_zone": child.time_zone,
        "rescue_threshold_minutes": "5",
    } | changes


@pytest.mark.parametrize("name", ["Robin\nSmith", "Robin\r\nBcc: x@example.org", "Robin\x1b[31m", "Robin\u2028Smith"])
def test_a_childs_name_with_a_control_character_is_refused(owner_client, child, name) -> None:
    response = owner_client.post(f"/c/{child.public_id}/settings/", _child_form(child, name=name))
    assert response.status_code == 200
    assert "cannot contain line breaks or other control characters" in response.content.decode()
    child.refresh_from_db()
    assert child.name == "Robin"


def test_a_person_s_name_with_a_line_break_is_refused_at_sign_up(client, db) -> None:
    passphrase = "a long passphrase for a new parent 42"
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "name": "Sam\nBcc: x", "password1": passphrase, "password2": passphrase},
    )
    assert "cannot contain line breaks or other control characters" in response.content.decode()


def _links(outbox) -> list[str]:
    return [re.search(r"http://testserver(/invitations/[\w-]+/)", m.body).group(1) for m in outbox]


def test_a_refused_e_mail_is_said_plainly_and_sent_again_on_request(owner_client, child, settings) -> None:
    settings.EMAIL_BACKEND = "tests.caregiver.test_invitation_mail.RefusingBackend"
    response = owner_client.post(
        f"/c/{child.public_id}/team/invite/", {"email": "nurse@example.org", "role": "caregiver"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and NOT_SENT in page and "Send the e-mail again" in page
    shown = re.search(r'value="http://testserver(/invitations/[\w-]+/)"', page).group(1)
    invitation = Invitation.objects.get()
    # The team page offers the same; once the mail server is back, it works.
    team = owner_client.get(f"/c/{child.public_id}/team/").content.decode()
    assert "Send again to nurse@example.org" in team
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = owner_client.post(f"/c/{child.public_id}/team/invitations/{invitation.public_id}/resend/")
    assert "Invitation sent" in response.content.decode() and NOT_SENT not in response.content.decode()
    (link,) = _links(mail.outbox)
    assert link != shown and mail.outbox[0].to == ["nurse@example.org"]
    assert [e.action for e in AuditEvent.objects.filter(child=child).order_by("at", "id")] == [
        "invite",
        "resend_invite",
    ]
    owner_client.force_login(make_user("nurse@example.org"))
    assert owner_client.get(shown).status_code == 404  # the first link was replaced
    owner_client.post(link)
    assert Membership.objects.filter(child=child, user__email="nurse@example.org").exists()


def test_a_name_saved_before_names_were_checked_does_not_break_the_invitation(owner_client, child) -> None:
    Child.objects.filter(pk=child.pk).update(name="Robin\nSmith")
    response = owner_client.post(
        f"/c/{child.public_id}/team/invite/", {"email": "nurse@example.org", "role": "caregiver"}
    )
    assert response.status_code == 200 and NOT_SENT in response.content.decode()
    assert Invitation.objects.get().email == "nurse@example.org" and not mail.outbox


def test_only_owners_resend_and_only_their_childs_invitations(client, owner, child, caregiver_user, outsider) -> None:
    invitation, _token = Invitation.issue(child=child, email="x@example.org", role="caregiver", invited_by=owner)
    url = f"/c/{child.public_id}/team/invitations/{invitation.public_id}/resend/"
    client.force_login(caregiver_user)
    assert client.post(url).status_code == 403
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 405
    other = Child.objects.get(name="Other child")
    assert client.post(f"/c/{other.public_id}/team/invitations/{invitation.public_id}/resend/").status_code == 404
    assert not mail.outbox


def test_the_invitation_speaks_the_language_the_inviter_chose_for_them(owner_client, child, settings) -> None:
    """An English-speaking parent invites a grandmother who reads Spanish: her e-mail is in
    Spanish, and once she joins, her pages and alerts start in Spanish."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    form = owner_client.get(f"/c/{child.public_id}/team/invite/").content.decode()
    assert re.search(r'<option value="en" selected>', form), "the inviter's own language first"
    page = owner_client.post(
        f"/c/{child.public_id}/team/invite/", {"email": "abuela@example.org", "role": "caregiver", "language": "es"}
    ).content.decode()
    assert '<html lang="en"' in page  # the inviter's page stays in theirs
    (message,) = mail.outbox
    assert message.subject == "Le invitan al diario de crisis de Robin"
    assert "Cuidador/a" in message.body and "invited you" not in message.body
    abuela = make_user("abuela@example.org")
    owner_client.force_login(abuela)
    owner_client.post(_links(mail.outbox)[0])
    abuela.refresh_from_db()
    assert abuela.language == "es"


def test_joining_keeps_a_language_the_member_already_chose(owner_client, child, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner_client.post(
        f"/c/{child.public_id}/team/invite/", {"email": "nurse@example.org", "role": "caregiver", "language": "es"}
    )
    nurse = make_user("nurse@example.org")
    nurse.language = "en"
    nurse.save()
    owner_client.force_login(nurse)
    owner_client.post(_links(mail.outbox)[0])
    nurse.refresh_from_db()
    assert nurse.language == "en"
