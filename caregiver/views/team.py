"""The care team: members and roles, invitations, leaving."""

from __future__ import annotations

import logging
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.forms import InviteForm, RoleForm
from caregiver.models import Child, Invitation, Membership, Role, hash_token

logger = logging.getLogger(__name__)


def _locked_team(child: Child) -> list[Membership]:
    """The child's memberships, locked until the transaction ends, always in one order (by
    id). Every change to the team takes this lock first, so two owners changing each other's
    role at once take turns instead of deadlocking (each used to lock the other's row, and
    that person's account row with it, before writing its own audit event), and the owner
    count reads the team as it now is."""
    return list(child.memberships.select_for_update(of=("self",)).select_related("user").order_by("pk"))


def _member(members: list[Membership], member_id: UUID) -> Membership:
    member = next((m for m in members if m.public_id == member_id), None)
    if member is None:
        raise Http404
    return member


def _owners(members: list[Membership]) -> int:
    return sum(m.is_owner for m in members)


def _still_owner(members: list[Membership], request: AuthedRequest) -> bool:
    """Whether the requester is still an owner once the team is locked: another owner may
    have changed their role while they waited. Says so when not."""
    if any(m.user_id == request.user.pk and m.is_owner for m in members):
        return True
    messages.error(request, _("Your place on this care team changed meanwhile, so nothing was changed."))
    return False


@require_GET
def team(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the care team")
    members = child.memberships.select_related("user").order_by("created_at")
    invitations = child.invitations.pending().order_by("-created_at") if child.membership.is_owner else []
    return render(
        request,
        "caregiver/team.html",
        {
            "child": child,
            "members": members,
            "invitations": invitations,
            "invite_form": InviteForm(child=child),
            "roles": Role.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def invite(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners invite by e-mail; the link is single-use and expires after 7 days."""
    child = child_for(request, child_id, Need.MANAGE)
    form = InviteForm(request.POST if request.method == "POST" else None, child=child)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invitation, token = Invitation.issue(
                child=child,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                language=form.cleaned_data["language"],
            )
            audit.record(
                request.user,
                "invite",
                child=child,
                obj=invitation,
                summary=f"Invited {invitation.email} as {invitation.role}",
            )
        return _send_invitation(request, child, invitation, token)
    return render(request, "caregiver/invite.html", {"child": child, "form": form})


def _send_invitation(request: AuthedRequest, child: Child, invitation: Invitation, token: str) -> HttpResponse:
    """E-mails the link, after the invitation is saved (a slow mail server must not hold a
    transaction open), and shows the link to the owner too. When the mail cannot be sent the
    page says so, still shows the link to pass on, and offers to send it again."""
    link = request.build_absolute_uri(reverse("invitation-accept", args=[token]))
    context = {"child": child, "invitation": invitation, "link": link, "inviter": request.user, "sent": True}
    # In the language the inviter chose for them, whatever the inviter's own.
    with translation.override(invitation.language or translation.get_language()):
        subject = _("You are invited to %(name)s’s seizure log") % {"name": child.name}
        body = render_to_string("caregiver/invitation_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except (OSError, ValueError):  # the mail server (smtplib's errors are OSErrors) or a header mail refuses
        logger.exception("The invitation %s could not be e-mailed", invitation.public_id)
        context["sent"] = False
    # The owner sees the link once too, to pass on by another channel if mail is slow.
    return render(request, "caregiver/invitation_sent.html", context)


@require_POST
def invitation_resend(request: AuthedRequest, child_id: UUID, invitation_id: UUID) -> HttpResponse:
    """A waiting invitation gets a new link, e-mailed again; the old link stops working."""
    child = child_for(request, child_id, Need.MANAGE)
    with transaction.atomic():
        invitation = get_object_or_404(child.invitations.pending().select_for_update(), public_id=invitation_id)
        token = invitation.renew()
        audit.record(
            request.user, "resend_invite", child=child, obj=invitation, summary=f"Sent again to {invitation.email}"
        )
    return _send_invitation(request, child, invitation, token)


@require_POST
def invitation_cancel(request: AuthedRequest, child_id: UUID, invitation_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    invitation = get_object_or_404(child.invitations.pending(), public_id=invitation_id)
    with transaction.atomic():
        audit.record(
            request.user, "cancel_invite", child=child, obj=invitation, summary=f"Cancelled {invitation.email}"
        )
        invitation.delete()
    messages.success(request, _("The invitation has been cancelled."))
    return redirect("team", child_id=child.public_id)


@require_POST
def member_role(request: AuthedRequest, child_id: UUID, member_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    with transaction.atomic():
        members = _locked_team(child)
        member = _member(members, member_id)
        if not _still_owner(members, request):
            return redirect("team", child_id=child.public_id)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed roles."))
        elif member.role == Role.OWNER and form.cleaned_data["role"] != Role.OWNER and _owners(members) == 1:
            messages.error(request, _("A child needs at least one owner. Make someone else an owner first."))
        else:
            member.role = form.cleaned_data["role"]
            member.save(update_fields=["role"])
            audit.record(
                request.user,
                "change_role",
                child=child,
                obj=member,
                summary=f"{member.user.email} is now {member.role}",
            )
            messages.success(
                request, _("%(who)s is now %(role)s.") % {"who": member.user, "role": member.get_role_display()}
            )
    return redirect("team", child_id=child.public_id)


@require_POST
def member_remove(request: AuthedRequest, child_id: UUID, member_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    with transaction.atomic():
        members = _locked_team(child)
        member = _member(members, member_id)
        if not _still_owner(members, request):
            return redirect("team", child_id=child.public_id)
        if member.role == Role.OWNER and _owners(members) == 1:
            messages.error(request, _("A child needs at least one owner. Make someone else an owner first."))
            return redirect("team", child_id=child.public_id)
        audit.record(request.user, "remove_member", child=child, obj=member, summary=f"Removed {member.user.email}")
        member.delete()
    messages.success(request, _("%(who)s no longer has access.") % {"who": member.user})
    if member.user_id == request.user.pk:
        return redirect("home")
    return redirect("team", child_id=child.public_id)


@require_POST
def team_leave(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Anyone may leave, except the last owner, who must hand over or delete the child."""
    child = child_for(request, child_id)
    with transaction.atomic():
        members = _locked_team(child)
        mine = next((m for m in members if m.user_id == request.user.pk), None)
        if mine is None:
            raise Http404
        if mine.is_owner and _owners(members) == 1:
            messages.error(
                request,
                _("You are the only owner. Make someone else an owner first, or delete the child's diary."),
            )
            return redirect("team", child_id=child.public_id)
        audit.record(request.user, "leave", child=child, obj=mine, summary=f"{request.user.email} left")
        mine.delete()
    messages.success(request, _("You have left %(name)s’s care team.") % {"name": child.name})
    return redirect("home")


@login_not_required
@never_cache  # the page names the child and the inviter, even to someone not signed in
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited address may join once, signing in or up as that address first if needed.
    Any other account is told the link is for another address, learns nothing of the child,
    and changes nothing (a forwarded or mistyped owner invitation must not make an owner)."""
    invitation = Invitation.objects.select_related("child", "invited_by").filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        return render(request, "caregiver/invitation_invalid.html", {"invitation": invitation}, status=404)
    if not request.user.is_authenticated:
        return render(request, "caregiver/invitation_accept.html", {"invitation": invitation, "path": request.path})
    if not invitation.is_for(request.user):
        return render(request, "caregiver/invitation_other_address.html", {"path": request.path}, status=403)
    existing = Membership.objects.filter(user=request.user, child=invitation.child).first()
    if request.method == "POST":
        with transaction.atomic():
            # Lock the row so two tabs accepting at once use the link only once.
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if not locked.is_usable:
                return render(request, "caregiver/invitation_invalid.html", {"invitation": locked}, status=404)
            locked.accepted_at = timezone.now()
            locked.accepted_by = request.user
            locked.save(update_fields=["accepted_at", "accepted_by"])
            child = invitation.child
            if not request.user.language and locked.language:
                # Their alerts need a language before they ever open the account page.
                request.user.language = locked.language
                request.user.save(update_fields=["language"])
            if existing is None:
                child.membership = Membership.objects.create(user=request.user, child=child, role=locked.role)
                audit.record(
                    request.user, "join", child=child, obj=child.membership, summary=f"Joined as {locked.role}"
                )
        if existing is None:
            messages.success(request, _("You have joined %(name)s’s care team.") % {"name": child.name})
        else:
            messages.info(request, _("You were already on this care team; your role is unchanged."))
        return redirect(invitation.child)
    return render(request, "caregiver/invitation_accept.html", {"invitation": invitation, "existing": existing})
