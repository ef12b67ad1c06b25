"""Signing up, the account page, the user's data export and account deletion."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest
from caregiver.export import user_export
from caregiver.forms import ConfirmPasswordForm, LanguageForm, PasswordChangeForm, PasswordResetForm, SignupForm
from caregiver.models import Child, Membership, Role, User

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("home")))
    form = SignupForm(
        request.POST if request.method == "POST" else None, initial={"email": request.GET.get("email", "")}
    )
    if request.method == "POST" and form.is_valid():
        user = _create_or_warn_owner(request, form)
        if user is not None:
            login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(safe_next(request, reverse("home")))
    return render(request, "registration/signup.html", {"form": form, "next": safe_next(request, "")})


def _create_or_warn_owner(request: HttpRequest, form: SignupForm) -> User | None:
    """The new account; or None, when the address already has one (as sign-in matches it):
    then its owner is told by e-mail, and the visitor sees what a new address would see, so
    sign-up never reveals who has an account. The password is hashed either way, so the
    answer takes as long."""
    user = form.save(commit=False)
    if not User.objects.matching(user.email).exists():
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:  # the same address signed up a moment ago
            pass
    context = {
        "sign_in": request.build_absolute_uri(reverse("login")),
        "reset": request.build_absolute_uri(reverse("password_reset")),
    }
    try:
        send_mail(
            _("Someone tried to sign up with your address"),
            render_to_string("registration/signup_taken_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except OSError:  # SMTP trouble must not make this answer differ from a new address's
        logger.exception("Could not e-mail the owner of an address used to sign up again")
    return None


class PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordChange(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """One child: straight to their page. Several: the switcher. None: how to start."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("child").order_by("child__name"))
    if len(memberships) == 1:
        return redirect(memberships[0].child)
    return render(request, "caregiver/home.html", {"memberships": memberships})


@require_GET
def account(request: AuthedRequest) -> HttpResponse:
    return _account_page(request, LanguageForm(instance=request.user))


def _account_page(request: AuthedRequest, language_form: LanguageForm, status: int = 200) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("child").order_by("child__name")
    context = {"memberships": memberships, "language_form": language_form}
    return render(request, "caregiver/account.html", context, status=status)


@require_POST
def account_language(request: AuthedRequest) -> HttpResponse:
    """Saves the member's language and applies it from this answer on. The language cookie
    follows, so the sign-in page after signing out speaks it too."""
    form = LanguageForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    form.save()
    chosen = form.cleaned_data["language"]
    translation.activate(chosen or translation.get_language_from_request(request))
    messages.success(request, _("Language saved."))
    response = redirect("account")
    if chosen:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@require_GET
def account_export(request: AuthedRequest) -> HttpResponse:
    """Everything held about the user and their children, as a JSON download (audited)."""
    with transaction.atomic():
        data = user_export(request.user)
        for membership in Membership.objects.filter(user=request.user).select_related("child"):
            child = membership.child
            child.membership = membership
            audit.record(request.user, "export", child=child, obj=child, summary=_("Downloaded all data as JSON"))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="seizure-log-export-{stamp}.json"'
    return response


def _children_only_owned_by(user) -> list[Child]:
    """Children the user alone owns: deleting the account deletes them and their records."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("child")
    return list(
        Child.objects.filter(pk__in=owned)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=Role.OWNER)))
        .filter(owners=1)
        .order_by("name")
    )


@require_http_methods(["GET", "POST"])
def account_delete(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None, request=request)
    sole = _children_only_owned_by(user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for child in sole:
                audit.record(user, "delete", obj=child, summary=f"Deleted child {child.name} with the account")
                child.delete()
            for membership in Membership.objects.filter(user=user).select_related("child"):
                audit.record(user, "leave", child=membership.child, obj=membership, summary="Account deleted")
            # Memberships cascade; what they logged for children who stay is kept, unnamed.
            user.delete()
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("login")
    others = Membership.objects.filter(user=user).exclude(child__in=sole).select_related("child")
    return render(request, "caregiver/account_delete.html", {"form": form, "sole": sole, "others": others})
