"""Forms for logging and editing seizures and treatments. Each takes the child as an
argument (never from POST) and lists its fields explicitly. The rules themselves live in
`Episode.clean()` / `Treatment.clean()`, shared with the admin."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.forms import DateInput
from caregiver.models import Child
from caregiver.text import StorableTextForm
from seizures.models import (
    MAX_ESTIMATE,
    TEMPERATURE_RANGE,
    DayNote,
    DayNoteKind,
    Episode,
    NotRecordedRange,
    Treatment,
    UncountablePeriod,
    temperature_message,
)
from seizures.signs import (
    MAX_PATH_STEPS,
    OBSERVATION_KEYS,
    SEIZURE_TYPE_HELP,
    SIGN_KEYS,
    SIGNS,
    Colour,
    Limb,
    Onset,
    Region,
    SeizureType,
    Side,
)

# Steps shown on the past-seizure form; an episode with a longer path gets one spare row more.
FORM_PATH_STEPS = 6
_MINUTES_SECONDS = re.compile(r"^\s*(\d{1,4})\s*[:.]\s*([0-5]?\d)\s*$|^\s*(\d{1,5})\s*$")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time read in the child's time zone, not the server's."""

    widget = DateTimeLocalInput
    default_error_messages = {
        "invalid": _("Enter a date and time, like 2026-05-01 14:30."),
        "imaginary": _("This time did not exist here: the clocks went forward. Check the time."),
    }

    def __init__(self, *, zone: ZoneInfo, **kwargs) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = value
        else:
            try:
                naive = parse_datetime(str(value).strip())
            except ValueError:
                naive = None
        # Out-of-range years would overflow when converted to UTC; no seizure diary needs them.
        if naive is None or not bounds.within(naive.date()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if naive.tzinfo is not None:
            return naive
        wall = naive.replace(tzinfo=self.zone)
        # A wall time in the spring-forward gap comes back changed from a round trip through UTC.
        # In the repeated autumn hour, fold=0 (the first occurrence) is taken.
        if wall.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != naive:
            raise ValidationError(self.error_messages["imaginary"], code="imaginary")
        return wall


def parse_offset(text: str) -> int | None:
    """ "1:10" or "70" (seconds) into seconds; None when blank. Raises ValueError when unreadable."""
    if not text.strip():
        return None
    match = _MINUTES_SECONDS.match(text)
    if not match:
        raise ValueError(text)
    if match.group(3) is not None:
        return int(match.group(3))
    return int(match.group(1)) * 60 + int(match.group(2))


def format_offset(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


class EpisodeForm(StorableTextForm, forms.ModelForm):
    """Log a past seizure, or edit any episode.

    Start in the child's time zone; duration as minutes and seconds or "unknown"; the
    checklist with sides; the migration path as ordered region choices with optional times
    into the seizure. Errors land next to their fields; nothing is saved while any remain."""

    # Where Episode.clean() reports a problem, and where this form shows it.
    ERROR_FIELDS = {"duration_seconds": "duration_minutes", "path": "path_1"}

    started_at = LocalDateTimeField(zone=ZoneInfo("UTC"), label=_("Started at"))
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=0, max_value=24 * 60, widget=forms.NumberInput()
    )
    duration_secs = forms.IntegerField(label=_("Seconds"), required=False, min_value=0, max_value=59)
    duration_unknown = forms.BooleanField(label=_("Duration not known"), required=False)
    rescue_given_at = LocalDateTimeField(zone=ZoneInfo("UTC"), label=_("Given at"), required=False)
    eye_side = forms.ChoiceField(label=_("Which side?"), choices=Side.choices, required=False, widget=forms.RadioSelect)
    jerking_side = forms.ChoiceField(
        label=_("Which side?"), choices=Side.choices, required=False, widget=forms.RadioSelect
    )
    jerking_limb = forms.ChoiceField(
        label=_("Which limb?"), choices=Limb.choices, required=False, widget=forms.RadioSelect
    )
    colour_change = forms.ChoiceField(
        label=_("Colour change"),
        choices=[("", _("No colour change seen")), *Colour.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    # Not required: a form saved before the onset existed (a phone's queued entry) means "not known".
    onset = forms.ChoiceField(
        label=_("When it began, the child was"),
        choices=Onset.choices,
        required=False,
        initial=Onset.UNKNOWN,
        widget=forms.RadioSelect,
    )
    seizure_type = forms.ChoiceField(
        label=_("Type of seizure (optional)"),
        choices=[("", _("Not said")), *SeizureType.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Episode
        fields = [
            "started_at",
            *SIGN_KEYS,
            "eye_side",
            "jerking_side",
            "jerking_limb",
            "colour_change",
            *OBSERVATION_KEYS,
            "onset",
            "seizure_type",
            "rescue_medicine",
            "rescue_given_at",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, child: Child, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.child = child
        self.instance.child = child
        for name in ("started_at", "rescue_given_at"):
            self.fields[name].zone = child.zone
        self.fields["started_at"].help_text = _("In %(zone)s time.") % {"zone": child.time_zone}
        episode = self.instance
        if not episode._state.adding:
            self.fields["client_uuid"].disabled = True
            self.initial.setdefault("version", episode.version)
            if episode.duration_seconds is None:
                self.initial.setdefault("duration_unknown", not episode.in_progress)
            else:
                self.initial.setdefault("duration_minutes", episode.duration_seconds // 60)
                self.initial.setdefault("duration_secs", episode.duration_seconds % 60)
        self.path_rows = min(MAX_PATH_STEPS, max(FORM_PATH_STEPS, len(episode.path) + 1))
        region_choices = [("", _("—")), *Region.choices]
        for n in range(1, self.path_rows + 1):
            step = episode.path[n - 1] if n <= len(episode.path) else {}
            self.fields[f"path_{n}"] = forms.ChoiceField(
                label=_("%(n)d. Began in") % {"n": n} if n == 1 else _("%(n)d. Moved to") % {"n": n},
                choices=region_choices,
                required=False,
                initial=step.get("region", ""),
            )
            self.fields[f"path_{n}_at"] = forms.CharField(
                label=_("At (min:sec), step %(n)d") % {"n": n},
                required=False,
                max_length=12,
                initial=format_offset(step.get("at_seconds")),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0:00", "size": 6}),
            )

    # --- Grouping for the template -------------------------------------------------------
    def sign_groups(self) -> list[dict]:
        return [
            {
                "sign": sign,
                "field": self[sign.key],
                "extra": [self[name] for name in (sign.side_field, sign.limb_field) if name],
            }
            for sign in SIGNS
        ]

    def seizure_types(self) -> list[tuple]:
        """Each type's radio button with its help text (the first, "not said", has none)."""
        return [(radio, SEIZURE_TYPE_HELP.get(radio.data["value"], "")) for radio in self["seizure_type"]]

    def observation_fields(self) -> list:
        return [self[key] for key in OBSERVATION_KEYS]

    def path_fields(self) -> list[tuple]:
        return [(self[f"path_{n}"], self[f"path_{n}_at"]) for n in range(1, self.path_rows + 1)]

    # --- Validation --------------------------------------------------------------------------
    def clean_onset(self) -> str:
        return self.cleaned_data.get("onset") or Onset.UNKNOWN

    def clean(self) -> dict:
        data = super().clean()
        self.instance.duration_seconds = self._duration(data)
        self.instance.path = self._path(data)
        return data

    def _duration(self, data: dict) -> int | None:
        minutes, seconds = data.get("duration_minutes"), data.get("duration_secs")
        unknown = data.get("duration_unknown")
        if "duration_minutes" in self.errors or "duration_secs" in self.errors:
            return None
        if unknown:
            if minutes or seconds:
                self.add_error("duration_unknown", _("Either give the duration or tick “not known”, not both."))
            return None
        if minutes is None and seconds is None:
            self.add_error("duration_minutes", _("Give the duration in minutes and seconds, or tick “not known”."))
            return None
        return (minutes or 0) * 60 + (seconds or 0)

    def _path(self, data: dict) -> list[dict]:
        path = []
        for n in range(1, self.path_rows + 1):
            region, at_text = data.get(f"path_{n}") or "", data.get(f"path_{n}_at") or ""
            try:
                at = parse_offset(at_text)
            except ValueError:
                self.add_error(f"path_{n}_at", _("Write the time as minutes:seconds, like 1:10."))
                continue
            if not region:
                if at is not None:
                    self.add_error(f"path_{n}", _("Choose the body region for this time."))
                continue
            path.append({"region": region, "at_seconds": at})
        return path

    def add_error(self, field, error) -> None:
        # Model-level errors on fields this form shows under another name.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    self.ERROR_FIELDS.get(name, name if name in self.fields else NON_FIELD_ERRORS): messages
                    for name, messages in error.error_dict.items()
                }
            )
        super().add_error(field, error)


class TimerSetForm(forms.Form):
    """One change from the live timer: a sign on or off, a side, a limb, an observation."""

    BOOLEAN_FIELDS = (*SIGN_KEYS, *OBSERVATION_KEYS)
    CHOICE_FIELDS = {
        "onset": Onset.values,
        "eye_side": Side.values,
        "jerking_side": Side.values,
        "jerking_limb": Limb.values,
        "colour_change": ["", *Colour.values],
    }
    field = forms.ChoiceField(choices=[(name, name) for name in (*BOOLEAN_FIELDS, *CHOICE_FIELDS)])
    value = forms.CharField(required=False, max_length=20, strip=True)

    def clean(self) -> dict:
        data = super().clean()
        name, value = data.get("field"), data.get("value", "")
        if name in self.BOOLEAN_FIELDS:
            if value not in ("on", "off"):
                raise ValidationError(_("Unexpected value."))
            data["value"] = value == "on"
        elif name in self.CHOICE_FIELDS and value not in self.CHOICE_FIELDS[name]:
            raise ValidationError(_("Unexpected value."))
        return data


class MoveForm(forms.Form):
    region = forms.ChoiceField(choices=Region.choices)


class RescueForm(StorableTextForm, forms.Form):
    rescue_medicine = forms.CharField(
        label=_("Rescue medicine given"),
        max_length=200,
        error_messages={"required": _("Say which medicine was given.")},
    )


class ClientUUIDForm(forms.Form):
    """The key a phone makes for one tap, so a repeated request saves once."""

    client_uuid = forms.UUIDField()


class TallyUndoForm(forms.Form):
    episode = forms.UUIDField()


class DayConfirmForm(forms.Form):
    """ "This day is recorded": the day, and the key the page made so a repeat saves once."""

    client_uuid = forms.UUIDField()
    day = forms.DateField(label=_("Day"), widget=DateInput())


class NotRecordedForm(StorableTextForm, forms.ModelForm):
    class Meta:
        model = NotRecordedRange
        fields = ["started_on", "ended_on", "reason"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child


class DayNoteForm(StorableTextForm, forms.ModelForm):
    """A note for one day; the key the page made keeps a repeated request to one note."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=DayNoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    temperature_c = forms.DecimalField(
        label=_("Temperature (°C)"),
        required=False,
        # Room for a second decimal, so "38.55" hears about the decimal, not the range.
        max_digits=4,
        decimal_places=1,
        min_value=TEMPERATURE_RANGE[0],
        max_value=TEMPERATURE_RANGE[1],
        help_text=_("Optional, for an illness or fever: the highest taken that day, like 38.5."),
        error_messages={
            "invalid": _("Give the temperature as a number, like 38.5."),
            "max_decimal_places": _("One decimal is enough, like 38.5."),
        },
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )

    class Meta:
        model = DayNote
        fields = ["noted_on", "kind", "temperature_c", "text"]
        widgets = {"noted_on": DateInput()}
        labels = {"text": _("Note (needed for “Other”)")}

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child
        self.fields["noted_on"].initial = child.today()
        out_of_range = temperature_message()
        self.fields["temperature_c"].error_messages |= dict.fromkeys(
            ["min_value", "max_value", "max_digits"], out_of_range
        )


class TreatmentForm(StorableTextForm, forms.ModelForm):
    class Meta:
        model = Treatment
        fields = ["kind", "name", "dose", "started_on", "stopped_on", "notes"]
        widgets = {
            "started_on": DateInput(),
            "stopped_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child
        if self.instance.pk and hasattr(self.instance, "medicine"):
            # A medicine's name (which sets the kind) is corrected on its own page, so the two agree.
            del self.fields["kind"], self.fields["name"]


class TreatmentStopForm(forms.Form):
    stopped_on = forms.DateField(label=_("Last day given"), widget=DateInput())

    def __init__(self, *args, treatment: Treatment, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.treatment = treatment
        self.fields["stopped_on"].initial = today

    def clean_stopped_on(self) -> date:
        stopped_on = self.cleaned_data["stopped_on"]
        if stopped_on < self.treatment.started_on:
            raise ValidationError(_("The stop date cannot be before the start date."))
        if stopped_on > bounds.latest_on():
            raise ValidationError(bounds.too_late_message())
        return stopped_on


class UncountableForm(StorableTextForm, forms.ModelForm):
    """Add or edit a period too frequent to count, in the child's local time. An empty end
    means it is still going on (ended later from the home page)."""

    started_at = LocalDateTimeField(zone=ZoneInfo("UTC"), label=_("Began at"))
    ended_at = LocalDateTimeField(
        zone=ZoneInfo("UTC"), label=_("Ended at"), required=False, help_text=_("Leave empty while it goes on.")
    )
    estimated_count = forms.IntegerField(
        label=_("Estimated number of seizures"),
        required=False,
        min_value=0,
        max_value=MAX_ESTIMATE,
        help_text=_("Optional: your best guess. Leave empty if you cannot say."),
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = UncountablePeriod
        fields = ["started_at", "ended_at", "estimated_count", "notes"]

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.child = child
        for name in ("started_at", "ended_at"):
            self.fields[name].zone = child.zone


class UncountableEndForm(forms.Form):
    """Ends the period going on: now, unless a time is given, with an optional estimate."""

    period = forms.UUIDField(required=False, widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    ended_at = LocalDateTimeField(
        zone=ZoneInfo("UTC"), label=_("Ended at"), required=False, help_text=_("Leave empty for now.")
    )
    estimated_count = forms.IntegerField(
        label=_("Estimated number of seizures"),
        required=False,
        min_value=0,
        max_value=MAX_ESTIMATE,
        help_text=_("Optional: your best guess. Leave empty if you cannot say."),
    )

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_at"].zone = child.zone
