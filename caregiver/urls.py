from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from caregiver.views import accounts, children, devices, team

auth_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChange.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", accounts.healthz, name="healthz"),
    path("", include("caregiver.pwa_urls")),
    path("accounts/", include(auth_patterns)),
    path("account/", accounts.account, name="account"),
    path("account/language/", accounts.account_language, name="account-language"),
    path("account/export.json", accounts.account_export, name="account-export"),
    path("account/delete/", accounts.account_delete, name="account-delete"),
    path("children/new/", children.child_add, name="child-add"),
    path("c/<uuid:child_id>/settings/", children.child_edit, name="child-edit"),
    path("c/<uuid:child_id>/delete/", children.child_delete, name="child-delete"),
    path("c/<uuid:child_id>/team/", team.team, name="team"),
    path("c/<uuid:child_id>/team/invite/", team.invite, name="team-invite"),
    path(
        "c/<uuid:child_id>/team/invitations/<uuid:invitation_id>/cancel/",
        team.invitation_cancel,
        name="invitation-cancel",
    ),
    path(
        "c/<uuid:child_id>/team/invitations/<uuid:invitation_id>/resend/",
        team.invitation_resend,
        name="invitation-resend",
    ),
    path("c/<uuid:child_id>/team/<uuid:member_id>/role/", team.member_role, name="member-role"),
    path("c/<uuid:child_id>/team/<uuid:member_id>/remove/", team.member_remove, name="member-remove"),
    path("c/<uuid:child_id>/team/leave/", team.team_leave, name="team-leave"),
    path("c/<uuid:child_id>/audit/", children.audit_trail, name="audit-trail"),
    path("c/<uuid:child_id>/devices/", devices.device_tokens, name="device-tokens"),
    path("c/<uuid:child_id>/devices/<uuid:token_id>/revoke/", devices.device_token_revoke, name="device-token-revoke"),
    path("invitations/<str:token>/", team.invitation_accept, name="invitation-accept"),
    path("", include("seizures.urls")),
    path("api/v1/", include("seizures.api")),
    path("learn/", include("education.urls")),
    path("admin/", admin.site.urls),
]
