"""Forms for accounts, children and care teams. Each lists its fields explicitly."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from caregiver.models import Child, Invitation, Membership, Role, User, time_zone_names


class SignupForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists. Sign in instead."))
        return email


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChildForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Household time zone"),
        help_text=_("Days and charts are counted in this time zone."),
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
        self.fields["time_zone"].choices = [(name, name.replace("_", " ")) for name in time_zone_names()]
        if self.instance.pk is None:
            # static caregiver/js/app.js preselects the browser's own zone for a new child.
            self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CAREGIVER)
    # An owner can remove every other owner: giving that away takes a second, explicit step.
    confirm_owner = forms.BooleanField(
        label=_("I mean to make them an owner: they can change the team and settings, and remove anyone, me too."),
        help_text=_("Needed only for the Owner role."),
        required=False,
    )

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("role") == Role.OWNER and not cleaned.get("confirm_owner"):
            self.add_error(
                "confirm_owner", _("Tick this box to confirm they should be an owner, or choose another role.")
            )
        return cleaned

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
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password
