"""What every page tells the outbox script: whose entries it may send, and its words."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.crypto import salted_hmac
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def outbox_owner(user) -> str:
    """An opaque key for the signed-in user ("" when signed out). Entries on the phone carry
    it, so one person's unsent entries are never sent under another person's sign-in."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("caregiver.pwa.outbox-owner", str(user.pk)).hexdigest()[:24]


@register.simple_tag(takes_context=True)
def outbox_config(context) -> SafeString:
    request = context.get("request")
    return json_script(
        {
            "owner": outbox_owner(getattr(request, "user", None)),
            "login_url": resolve_url(settings.LOGIN_URL),
            "text": {
                "saved": _("All entries are saved."),
                "waiting": _("On this phone — will send when online (%(n)s waiting)."),
                "sending": _("Sending… (%(n)s waiting)"),
                "unsaved": _("Not all entries are saved — see below."),
                "signed_out": _("%(n)s entries are kept on this phone. Sign in to send them."),
                "sign_in": _("Sign in again"),
                "other_owner": _(
                    "%(n)s entries on this phone were logged by someone else. They are sent when that person signs in."
                ),
                "refused": _("Not saved — the server refused it:"),
                "set_aside": _("Not saved — set aside after %(n)s failed tries, so the entries behind it could go:"),
                "server_failed": _("The server failed on this entry."),
                "forbidden": _("Your role on this child’s care team no longer lets you log seizures."),
                "gone": _("This child is no longer on your account (removed from the care team, or deleted)."),
                "notice": _("Note:"),
                "fix": _("Fix it"),
                "retry": _("Try again"),
                "discard": _("Discard…"),
                "discard_confirm": _("Delete it from this phone for good"),
                "keep": _("Keep it"),
                "open": _("Open it"),
                "dismiss": _("Dismiss"),
                "sign_out_warning": _(
                    "%(n)s entries on this phone have not reached the server yet. "
                    "Signing out deletes them from this phone."
                ),
                "sign_out_anyway": _("Sign out and delete them"),
                "stay": _("Stay signed in and send them"),
                "offline": _("You are offline. What you log is kept on this phone and sent when you are back online."),
                "kept_page": _("This page is the copy saved on this phone at %(time)s."),
                "reload": _("Reload to see the latest."),
            },
        },
        "outbox-config",
    )
