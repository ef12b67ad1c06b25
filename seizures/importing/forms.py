"""The two steps' forms: the file, then which column holds what."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caregiver.models import time_zone_names
from seizures.importing.mapping import DATE_ORDERS, REPEATED, TARGETS
from seizures.importing.reading import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("This app’s own CSV export, or a spreadsheet saved as “CSV UTF-8”, up to 50 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is over 50 MB; split it into smaller files and import each."))
        return upload


class MappingForm(forms.Form):
    """A choice of the file's columns for each of the diary's fields, and how its times read."""

    time_zone = forms.ChoiceField(
        label=_("Time zone of times written without an offset"),
        choices=lambda: [(zone, zone.replace("_", " ")) for zone in time_zone_names()],
    )
    date_order = forms.ChoiceField(label=_("Dates are written"), choices=list(DATE_ORDERS.items()), initial="ymd")
    repeated_time = forms.ChoiceField(
        label=_("Times the clocks repeat (the hour when they go back)"), choices=list(REPEATED.items()), initial="ask"
    )

    def __init__(self, *args, header: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        columns = [("", _("— not in the file —")), *((c, c) for c in header)]
        for target in TARGETS:
            self.fields[f"col_{target.name}"] = forms.ChoiceField(label=target.label, choices=columns, required=False)
        self.fields["col_started_at"].required = True
        self.fields["col_started_at"].error_messages["required"] = _("Choose the column with the date and time.")

    def mapping_data(self) -> dict:
        """The mapping as `read_mapping` takes it (the same shape as a mapping.json file)."""
        data = self.cleaned_data
        columns = {t.name: data[f"col_{t.name}"] for t in TARGETS if data.get(f"col_{t.name}")}
        return {"columns": columns, **{k: data[k] for k in ("time_zone", "date_order", "repeated_time")}}

    @staticmethod
    def initial_for(mapping: dict) -> dict:
        return {f"col_{name}": column for name, column in mapping.get("columns", {}).items()} | {
            k: mapping[k] for k in ("time_zone", "date_order", "repeated_time") if k in mapping
        }
