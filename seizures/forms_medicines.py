"""Forms for medicines, dose versions, the weight log and the dose log. Each takes the child
as an argument (never from POST); the rules of a record live in its model's clean()."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.forms import DateInput
from caregiver.models import Child
from caregiver.text import StorableTextForm
from seizures import schedules
from seizures.forms import LocalDateTimeField
from seizures.medicine_models import (
    COMMON_MEDICINES,
    DosageForm,
    DoseStatus,
    DoseVersion,
    Medicine,
    Route,
    Weight,
)
from seizures.models import CLOCK_SKEW

# A dose logged as given this long before it was due is a different dose: check the time.
EARLIEST_BEFORE_DUE = timedelta(hours=12)


class NameInput(forms.TextInput):
    """A text box offering the common medicines (a native datalist: any name may be typed)."""

    template_name = "seizures/widgets/medicine_name.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = "medicine-names"
        context["choices"] = COMMON_MEDICINES
        return context


class MedicineForm(StorableTextForm, forms.Form):
    """The medicine itself and its dates (kept on its treatment, which the charts read)."""

    name = forms.CharField(label=_("Medicine"), max_length=100, widget=NameInput(),
                           help_text=_("Choose from the list or type its name."))  # fmt: skip
    form = forms.ChoiceField(label=_("Form"), choices=[("", "—"), *DosageForm.choices], required=False)
    route = forms.ChoiceField(label=_("Route"), choices=[("", "—"), *Route.choices], required=False)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    stopped_on = forms.DateField(label=_("Stopped on"), widget=DateInput(), required=False,
                                 help_text=_("Leave empty while ongoing."))  # fmt: skip

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the medicine’s name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        started_on, stopped_on = data.get("started_on"), data.get("stopped_on")
        for field in ("started_on", "stopped_on"):
            if message := bounds.day_error(data.get(field)):
                self.add_error(field, message)
        if started_on and started_on < self.child.born_on:
            self.add_error("started_on", _("The start cannot be before the child’s date of birth."))
        if started_on and stopped_on and stopped_on < started_on:
            self.add_error("stopped_on", _("The stop date cannot be before the start date."))
        return data


class MedicineDetailsForm(StorableTextForm, forms.Form):
    """A correction of a medicine's name, form or route (its dose changes are versions)."""

    name = MedicineForm.base_fields["name"]
    form = MedicineForm.base_fields["form"]
    route = MedicineForm.base_fields["route"]

    def __init__(self, *args, medicine: Medicine, **kwargs) -> None:
        kwargs.setdefault("initial", {"name": medicine.name, "form": medicine.form, "route": medicine.route})
        super().__init__(*args, **kwargs)

    clean_name = MedicineForm.clean_name


class DoseVersionForm(StorableTextForm, forms.ModelForm):
    """A dose and its schedule: fixed times of day, or every N hours from a first time."""

    SCHEDULES = [("times", _("At set times of day")), ("every", _("Every few hours"))]

    schedule = forms.ChoiceField(label=_("Schedule"), choices=SCHEDULES, widget=forms.RadioSelect, initial="times")
    times_text = forms.CharField(label=_("Times of day"), required=False, max_length=200,
                                 help_text=_("24-hour clock, separated by commas: 08:00, 20:00"))  # fmt: skip
    every_hours = forms.TypedChoiceField(
        label=_("Every"),
        choices=[("", "—"), *((n, _("%(n)d hours") % {"n": n}) for n in schedules.EVERY_HOURS)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    first_at = forms.TimeField(label=_("First dose of the day at"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))  # fmt: skip

    class Meta:
        model = DoseVersion
        fields = ["starts_on", "dose", "dose_unit", "strength"]
        widgets = {"starts_on": DateInput()}

    def __init__(self, *args, child: Child, medicine: Medicine | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child
        if medicine is None:
            # The first version starts with the medicine (its date comes from that form).
            del self.fields["starts_on"]
        else:
            self.instance.medicine = medicine
            self.fields["starts_on"].label = _("New dose from")
        self.fields["dose"].widget.attrs.update(step="any", min="0", inputmode="decimal")
        self.fields["strength"].widget.attrs.update(step="any", min="0", inputmode="decimal")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("schedule") == "every":
            hours, first = data.get("every_hours"), data.get("first_at")
            if hours is None:
                self.add_error("every_hours", _("Choose how many hours apart."))
            if first is None:
                self.add_error("first_at", _("Give the time of the first dose of the day."))
            if hours is not None and first is not None:
                self.instance.times = [t.strftime("%H:%M") for t in schedules.every(hours, first)]
                self.instance.every_hours = hours
        elif data.get("schedule") == "times":
            try:
                times = schedules.parse_times(data.get("times_text", ""))
            except ValueError:
                self.add_error("times_text", _("Give times of day like 08:00, 20:00 (24-hour clock)."))
            else:
                if not times:
                    self.add_error("times_text", _("Give at least one time of day."))
                elif len(times) > 24:
                    self.add_error("times_text", _("At most 24 times a day."))
                self.instance.times = [t.strftime("%H:%M") for t in times]
                self.instance.every_hours = None
        return data

    def _update_errors(self, errors: ValidationError) -> None:
        # The model reports a bad schedule on `times`; the form shows it by the field typed in.
        if hasattr(errors, "error_dict"):
            typed = "every_hours" if self.cleaned_data.get("schedule") == "every" else "times_text"
            for stored, shown in (("times", typed), ("starts_on", NON_FIELD_ERRORS)):
                if stored in errors.error_dict and stored not in self.fields:
                    messages = errors.error_dict.pop(stored)
                    errors.error_dict.setdefault(shown, []).extend(messages)
        super()._update_errors(errors)


class WeightForm(forms.ModelForm):
    class Meta:
        model = Weight
        fields = ["measured_on", "kg"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child
        self.fields["kg"].widget.attrs.update(step="0.01", min="0.5", max="50", inputmode="decimal")


class DoseForm(StorableTextForm, forms.Form):
    """A tap on Given or Skipped for one due dose (the page fills the hidden fields)."""

    medicine = forms.UUIDField(label=_("Medicine"))
    scheduled_at = forms.CharField(label=_("Due at"), max_length=40)
    status = forms.ChoiceField(label=_("Given or skipped"), choices=DoseStatus.choices)
    client_uuid = forms.UUIDField(label=_("Key"))
    given_at = LocalDateTimeField(zone=UTC, label=_("Given at"), required=False,
                                  help_text=_("Change it when you log a dose given earlier."))  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    extra = forms.BooleanField(label=_("Extra dose, confirmed"), required=False)

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["given_at"].zone = child.zone

    def clean_scheduled_at(self) -> datetime:
        value = self.cleaned_data["scheduled_at"]
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or bounds.bounded_instant(parsed) is None:
            raise ValidationError(_("This dose’s due time could not be read. Reload the page."))
        return parsed.astimezone(UTC)

    def clean(self) -> dict:
        data = super().clean()
        given_at, due = data.get("given_at"), data.get("scheduled_at")
        if data.get("status") == DoseStatus.GIVEN and given_at is not None:
            if given_at > timezone.now() + CLOCK_SKEW:
                self.add_error("given_at", _("This time is in the future."))
            elif due is not None and given_at < due - EARLIEST_BEFORE_DUE:
                self.add_error("given_at", _("This is long before the dose was due: check the day and time."))
        return data
