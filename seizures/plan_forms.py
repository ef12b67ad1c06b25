"""Forms for the seizure action plan and for logging a rescue dose. Each takes the child as
an argument (never from POST); the rules live in the models' clean() and `steps_problem`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.forms import DateInput
from caregiver.models import Child
from caregiver.text import StorableTextForm
from seizures.forms import LocalDateTimeField
from seizures.models import CLOCK_SKEW
from seizures.plan_models import (
    MAX_INTERVAL_MINUTES,
    MAX_MEDICINES,
    MAX_PER_DAY,
    MAX_STEP_MINUTE,
    MAX_STEP_TEXT,
    MAX_STEPS,
    ActionPlan,
    DoseUnit,
    RescueMedicine,
    Route,
    steps_problem,
)

MEDICINE_FIELDS = ("name", "dose", "amount", "unit", "route", "min_interval_minutes", "max_per_day")


def suggested_plan(child: Child) -> dict:
    """A starting point for a family with no plan yet: the shape of a typical clinic plan,
    to be replaced by what the child's own clinician wrote. Never saved until someone does."""
    threshold = child.rescue_threshold_minutes
    steps = [
        (0, _("Note the time. Lay the child on their side. Nothing in the mouth. Stay with them.")),
        (threshold, _("Give the rescue medicine exactly as the clinician prescribed.")),
        (threshold + 5, _("Call the emergency number if the seizure has not stopped.")),
    ]
    initial: dict = {"emergency_number": "", "written_on": child.today()}
    for i, (minute, text) in enumerate(steps):
        initial[f"step_{i}_minute"] = minute
        initial[f"step_{i}_text"] = str(text)
    return initial


def plan_initial(plan: ActionPlan, medicines: list[RescueMedicine]) -> dict:
    """The form's fields filled from a stored version (the next version starts from it)."""
    initial = {name: getattr(plan, name) for name in ("emergency_number", "written_by", "written_on", "notes")}
    for i, step in enumerate(plan.steps):
        initial[f"step_{i}_minute"] = step["minute"]
        initial[f"step_{i}_text"] = step["text"]
    for j, medicine in enumerate(medicines):
        for name in MEDICINE_FIELDS:
            initial[f"med_{j}_{name}"] = getattr(medicine, name)
    return initial


class PlanForm(StorableTextForm, forms.Form):
    """A whole plan: a row per step (blank rows are left out) and per rescue medicine."""

    emergency_number = forms.CharField(
        label=_("Emergency number"), max_length=40, error_messages={"required": _("Give the number to call.")}
    )
    written_by = forms.CharField(
        label=_("Written by"),
        max_length=200,
        help_text=_("Who wrote the plan, for example the child’s neurologist."),
        error_messages={"required": _("Say who wrote the plan.")},
    )
    written_on = forms.DateField(label=_("Date of the plan"), widget=DateInput())
    notes = forms.CharField(
        label=_("Other instructions"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        for i in range(MAX_STEPS):
            self.fields[f"step_{i}_minute"] = forms.IntegerField(
                label=_("From minute"),
                required=False,
                min_value=0,
                max_value=MAX_STEP_MINUTE,
            )
            self.fields[f"step_{i}_text"] = forms.CharField(
                label=_("What to do"), required=False, max_length=MAX_STEP_TEXT
            )
        for j in range(MAX_MEDICINES):
            self.fields[f"med_{j}_name"] = forms.CharField(label=_("Medicine"), required=False, max_length=100)
            self.fields[f"med_{j}_dose"] = forms.CharField(
                label=_("Dose as written on the plan"),
                required=False,
                max_length=200,
                help_text=_("For example “2.5 mg (0.5 mL)”."),
            )
            self.fields[f"med_{j}_amount"] = forms.DecimalField(
                label=_("Amount"), required=False, min_value=Decimal("0.001"), max_value=1000, decimal_places=3
            )
            self.fields[f"med_{j}_unit"] = forms.ChoiceField(
                label=_("Unit"), required=False, choices=[("", "—"), *DoseUnit.choices]
            )
            self.fields[f"med_{j}_route"] = forms.ChoiceField(
                label=_("Route"), required=False, choices=[("", "—"), *Route.choices]
            )
            self.fields[f"med_{j}_min_interval_minutes"] = forms.IntegerField(
                label=_("Minimum minutes between doses"), required=False, min_value=1, max_value=MAX_INTERVAL_MINUTES
            )
            self.fields[f"med_{j}_max_per_day"] = forms.IntegerField(
                label=_("Most doses in 24 hours"), required=False, min_value=1, max_value=MAX_PER_DAY
            )
        self.steps: list[dict] = []
        self.medicines: list[RescueMedicine] = []

    def step_rows(self) -> list[tuple]:
        return [(self[f"step_{i}_minute"], self[f"step_{i}_text"]) for i in range(MAX_STEPS)]

    def medicine_rows(self) -> list[list]:
        return [[self[f"med_{j}_{name}"] for name in MEDICINE_FIELDS] for j in range(MAX_MEDICINES)]

    def clean_written_on(self):
        written_on = self.cleaned_data["written_on"]
        if message := bounds.day_error(written_on):
            raise ValidationError(message)
        if written_on > self.child.today():
            raise ValidationError(_("The plan’s date cannot be in the future."))
        return written_on

    def clean(self) -> dict:
        data = super().clean()
        self.steps = []
        for i in range(MAX_STEPS):
            minute, text = data.get(f"step_{i}_minute"), (data.get(f"step_{i}_text") or "").strip()
            if f"step_{i}_minute" in self.errors:
                continue
            if minute is None and not text:
                continue
            if minute is None:
                self.add_error(f"step_{i}_minute", _("Give the minute this step applies from."))
            elif not text:
                self.add_error(f"step_{i}_text", _("Say what to do at this step."))
            else:
                self.steps.append({"minute": minute, "text": text})
        if not self.steps and not any(name.startswith("step_") for name in self.errors):
            self.add_error("step_0_text", _("A plan needs at least one step."))
        elif self.steps and (problem := steps_problem(self.steps)):
            self.add_error(None, problem)
        self.medicines = []
        for j in range(MAX_MEDICINES):
            names = [f"med_{j}_{name}" for name in MEDICINE_FIELDS]
            if any(name in self.errors for name in names):
                continue
            values = {name: data.get(f"med_{j}_{name}") for name in MEDICINE_FIELDS}
            if all(value in (None, "") for value in values.values()):
                continue
            missing = [name for name in MEDICINE_FIELDS if values[name] in (None, "")]
            for name in missing:
                self.add_error(f"med_{j}_{name}", _("Needed for each rescue medicine."))
            if not missing:
                self.medicines.append(RescueMedicine(**values))
        return data

    def plan(self) -> ActionPlan:
        """The validated plan, unsaved (the writer numbers it)."""
        data = self.cleaned_data
        return ActionPlan(
            child=self.child,
            emergency_number=data["emergency_number"].strip(),
            steps=self.steps,
            notes=data["notes"],
            written_by=data["written_by"].strip(),
            written_on=data["written_on"],
        )


class RescueDoseForm(StorableTextForm, forms.Form):
    """One rescue dose: which of the plan's medicines, when, and — past the guard — the
    explicit override with its reason."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    medicine = forms.ChoiceField(
        label=_("Which rescue medicine"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the medicine that was given.")},
    )
    given_at = forms.DateTimeField(label=_("Given at"))
    override = forms.BooleanField(label=_("I know: give it anyway"), required=False)
    override_reason = forms.CharField(
        label=_("Why (for example: the paramedic said to)"), max_length=500, required=False
    )

    def __init__(self, *args, child: Child, medicines: list[RescueMedicine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.by_id = {str(m.public_id): m for m in medicines}
        self.fields["medicine"].choices = [(key, m.label) for key, m in self.by_id.items()]
        self.fields["given_at"] = LocalDateTimeField(zone=child.zone, label=_("Given at"))

    def clean_given_at(self):
        given_at = self.cleaned_data["given_at"]
        if given_at > timezone.now() + CLOCK_SKEW:
            raise ValidationError(_("This time is in the future."))
        if given_at < timezone.now() - timedelta(days=7):
            raise ValidationError(_("Log doses from the last 7 days here; older ones go in a seizure’s notes."))
        return given_at

    def clean(self) -> dict:
        data = super().clean()
        if data.get("override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Say why this dose is given past the guard."))
        return data

    @property
    def chosen(self) -> RescueMedicine:
        return self.by_id[self.cleaned_data["medicine"]]
