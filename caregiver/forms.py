"""Forms for accounts, children and care teams. Each lists its fields explicitly."""

from __future__ import annotations

import json
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver.languages import active_language
from caregiver.lockout import password_confirmed
from caregiver.models import Child, Invitation, Membership, Role, User, time_zone_names, time_zone_renames
from caregiver.text import StorableTextForm


class SignupForm(StorableTextForm, auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        """An address that already has an account is no error here: saying so would tell anyone
        who has an account. The view answers as for a new address and e-mails the owner."""


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches active people whose password was never set, which Django's own form
    skips: those an import (`import_child`) brought here choose their first password this way."""

    def get_users(self, email: str):
        wanted = _canonical(email)
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if _canonical(user.email) == wanted)


def _canonical(email: str) -> str:
    # As Django's form compares: iexact alone can match other spellings on some databases.
    return unicodedata.normalize("NFKC", email).casefold()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChildForm(StorableTextForm, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Household time zone"),
        help_text=_("Days and charts are counted in this time zone."),
        error_messages={"required": _("Choose the time zone your household lives in, so days and times are right.")},
    )

    class Meta:
        model = Child
        fields = [
            "name",
            "born_on",
            "seizures_began_on",
            "diagnosis",
            "gene_variant",
            "gene_variant_detail",
            "time_zone",
            "rescue_plan",
            "rescue_threshold_minutes",
            "cluster_alert_count",
            "cluster_alert_hours",
        ]
        widgets = {
            "born_on": DateInput(),
            "seizures_began_on": DateInput(),
            "rescue_plan": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        field.choices = [(name, zone_label(name)) for name in time_zone_names()]
        if self.instance.pk is None:
            # Never an arbitrary zone by default: with scripts, static caregiver/js/app.js picks
            # the browser's own (under its current name); without, the parent chooses.
            field.choices = [("", _("Choose…")), *field.choices]
            field.widget.attrs["data-browser-time-zone"] = json.dumps(time_zone_renames())
        else:
            local = timezone.localtime(timezone=self.instance.zone)
            field.help_text = _("%(zone)s — now %(time)s. Days and charts are counted in this time zone.") % {
                "zone": zone_label(self.instance.time_zone),
                "time": local.strftime("%H:%M"),
            }


def zone_label(name: str) -> str:
    return name.replace("_", " ")


class InviteForm(StorableTextForm, forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CAREGIVER)
    language = forms.ChoiceField(
        label=_("Their language"),
        choices=settings.LANGUAGES,
        help_text=_("The e-mail is written in it, and their pages and alerts start in it."),
        required=False,  # missing: the inviter's own
    )
    # An owner can remove every other owner: giving that away takes a second, explicit step.
    confirm_owner = forms.BooleanField(
        label=_("I mean to make them an owner: they can change the team and settings, and remove anyone, me too."),
        help_text=_("Needed only for the Owner role."),
        required=False,
    )

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["language"].initial = active_language()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("role") == Role.OWNER and not cleaned.get("confirm_owner"):
            self.add_error(
                "confirm_owner", _("Tick this box to confirm they should be an owner, or choose another role.")
            )
        return cleaned

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or active_language()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(child=self.child, user__email__iexact=email).exists():
            raise forms.ValidationError(_("This person is already on the care team."))
        if Invitation.objects.pending().filter(child=self.child, email=email).exists():
            raise forms.ValidationError(_("An invitation to this address is already waiting."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ConfirmByNameForm(forms.Form):
    """Deleting a child is irreversible: the owner types the child's name to confirm."""

    name = forms.CharField(label=_("Type the child's name to confirm"), max_length=100)

    def __init__(self, *args, expected: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if name.strip() != self.expected.strip():
            raise forms.ValidationError(_("That is not the child's name as written here."))
        return name


class ConfirmPasswordForm(forms.Form):
    """The signed-in user's password, checked through the sign-in lockout."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_confirmed(self.request, password):
            raise forms.ValidationError(_("That password is not right."))
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with the old password checked through the sign-in lockout."""

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_confirmed(self.request, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class DeviceTokenForm(StorableTextForm, forms.Form):
    name = forms.CharField(
        label=_("What is it?"), max_length=60, help_text=_("For example “bedside button” or “Dad’s watch”.")
    )
    read_only = forms.BooleanField(
        label=_("Read only: it may list seizures but not log or change them"), required=False
    )


class LanguageForm(forms.ModelForm):
    """The member's language; blank follows the browser's (Accept-Language)."""

    language = forms.ChoiceField(label=_("Language"), required=False)

    class Meta:
        model = User
        fields = ["language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser’s language")), *settings.LANGUAGES]
