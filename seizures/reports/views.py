"""The clinician's pages: frequency charts, the printable report, the CSV and FHIR exports.

Every member of the care team may read them (clinicians too). A clinician's look at the
charts or the report is an audit event, and so is every export, whoever makes it. Each page
runs the same number of queries whatever the history (tests/seizures/test_report.py); the
export streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import dues
from seizures.models import DayNote, Episode, Treatment, Weight
from seizures.queries import current_plan, last_seizure
from seizures.reports import csv_doses, csv_export, fhir, panels, seizure_rows, stats
from seizures.reports.periods import MAX_BUCKETS, MAX_YEARS, Granularity, Period, PeriodForm, Preset
from seizures.reports.stats.adherence import adherence
from seizures.reports.stats.dose_marks import dose_marks
from seizures.reports.stats.rescue import rescue_weeks

# The report lists the latest episodes of the period; the CSV export has every one.
REPORT_EPISODES = 100


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    query: str
    current: bool


def _choices(period: Period | None) -> dict[str, list[Choice]]:
    """Links for each preset period and, for the period shown, each granularity. A preset
    link leaves the granularity to suit the new period."""
    presets = [
        Choice(key, label, urlencode({"period": key}), period is not None and period.preset == key)
        for key, label in Preset.choices
        if key != Preset.CUSTOM
    ]
    granularities = []
    if period is not None:
        granularities = [
            Choice(key, label, urlencode(period.query(by=key)), period.granularity == key)
            for key, label in Granularity.choices
            if period.fits(key)
        ]
    return {"presets": presets, "granularities": granularities}


def _read_period(request: AuthedRequest, child: Child, *, charts: bool = True) -> tuple[Period | None, dict]:
    """The period asked for (for `charts`, as a chart can show it), or None with the form's
    errors. One query (the diary's start)."""
    today = child.today()
    began_on = stats.diary_began_on(child)
    form = PeriodForm(request.GET, today=today, began_on=began_on)
    period = form.resolve() if form.is_valid() else None
    if period is not None and charts:
        period = period.for_charts()
    if period is not None:
        # The custom-dates form shows the dates in view, ready to change.
        display = PeriodForm(None, today=today, began_on=began_on, initial={"start": period.start, "end": period.end})
    else:
        display = form
    context = {
        "child": child,
        "form": display,
        # Errors the custom-dates fields do not show beside themselves.
        "period_errors": [*form.non_field_errors(), *form.errors.get("period", [])] if period is None else [],
        "period": period,
        "began_on": began_on,
        "today": today,
        "choices": _choices(period),
        "limits": {"years": MAX_YEARS, "bars": MAX_BUCKETS},
        "query": urlencode(period.query()) if period else "",
    }
    return period, context


def _charts_context(child: Child, period: Period, began_on: date, today: date, *, report: bool) -> dict:
    """Statistics, figures, the treatment table, the day notes and the dose marks for `period`:
    twelve queries at most (the treatment windows need three more only when some fall outside
    the summarised days; the dose marks one fewer when the child has no medicine)."""
    summary = stats.summarise(child, period, began_on=began_on, report=report)
    treatments = list(Treatment.objects.for_child(child).order_by("started_on", "pk"))
    notes = list(DayNote.objects.for_child(child).between(period.start, period.end))
    doses = dose_marks(child, *period.bounds(child.zone))
    effects = stats.treatment_effects(
        child, treatments, began_on=began_on, today=today, counted=summary.counted, coverage=summary.coverage
    )
    return {
        "summary": summary,
        "charts": panels.all_charts(summary, treatments, notes, doses),
        "day_notes": notes,
        "onset_parts": panels.onset_parts(summary.onset_counts),
        "type_parts": panels.type_parts(summary.type_counts),
        "effects": panels.effect_rows(effects),
        "window_recorded_days": settings.WINDOW_RECORDED_DAYS,
        "period_label": panels.period_label(period),
    }


@require_GET
def charts(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Frequency, duration, burden, signs and time of day over a period. An htmx request
    (the period and granularity links) gets the chart panel alone."""
    child = child_for(request, child_id, Need.READ)
    period, context = _read_period(request, child)
    if period is not None:
        context |= _charts_context(child, period, context["began_on"], context["today"], report=False)
        audit.record_clinician_view(request, child, f"Charts: {period.start} to {period.end}")
    template = "seizures/charts.html#panel" if request.htmx else "seizures/charts.html"
    return render(request, template, context)


@require_GET
def report(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The clinician report for a period, laid out to print: summary figures, treatments,
    the charts and the latest episodes."""
    child = child_for(request, child_id, Need.READ)
    period, context = _read_period(request, child)
    if period is not None:
        context |= _charts_context(child, period, context["began_on"], context["today"], report=True)
        start, end = period.bounds(child.zone)
        context["episodes"] = list(
            Episode.objects.for_child(child)
            .live()
            .between(start, end)
            .select_related("logged_by")
            .only(*seizure_rows.FIELDS)
            .newest_first()[:REPORT_EPISODES]
        )
        context["episodes_limit"] = REPORT_EPISODES
        context["seizure_rows"] = seizure_rows.seizure_rows(context["episodes"], child.zone)
        context["signs"] = panels.sign_rows(context["summary"])
        context["uncountable"] = panels.uncountable_rows(context["summary"], child.zone)
        context["types"] = panels.type_rows(context["summary"])
        context["entry_times"] = stats.entry_times(child, start, end)
        context["entry_delay"] = panels.delay_text(context["entry_times"].median)
        context["last_seizure"] = last_seizure(child)
        context["generated_at"] = timezone.now()
        context["plan"], context["plan_medicines"] = current_plan(child)
        context["rescue_weeks"] = [week for week in rescue_weeks(child, period.start, period.end) if week.doses]
        context["medicines"] = _medicines(child, period, context["today"])
        audit.record_clinician_view(request, child, f"Report: {period.start} to {period.end}")
    return render(request, "seizures/report.html", context)


# The report's weekly adherence shows the period's last weeks; its totals count every week.
REPORT_WEEKS = 12


def _medicines(child: Child, period: Period, today: date) -> list[dict]:
    """The period's medicines: the dose now, mg/kg/day and adherence. Four queries."""
    medicines = [
        m
        for m in dues.medicines_with_versions(child).order_by("name")
        if m.treatment.started_on <= period.end
        and (m.treatment.stopped_on is None or m.treatment.stopped_on >= period.start)
    ]
    weights = list(Weight.objects.for_child(child).newest_first())
    figures = dues.figures(child, medicines, weights, today)
    rows = adherence(child, medicines, period.start, period.end)
    return [
        {"figures": f, "adherence": a, "weeks": a.weeks[-REPORT_WEEKS:]} for f, a in zip(figures, rows, strict=True)
    ]


CSV = "text/csv; charset=utf-8"


def _export(request: AuthedRequest, child: Child, period: Period, *, what: str, chunks, content_type: str, name: str):
    """A streamed download of the period (any member; every export is in the audit trail,
    whoever makes it). `chunks(child, start, end)` writes it; `name` is the file's kind and
    extension ("seizures", "csv")."""
    start, end = period.bounds(child.zone)
    audit.record(request.user, "export", child=child, summary=f"{what}: {period.start} to {period.end}")
    kind, extension = name
    filename = f"{kind}-{slugify(child.name) or 'child'}-{period.start}-to-{period.end}.{extension}"
    response = StreamingHttpResponse(chunks(child, start, end), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def export_csv(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The period's episodes as CSV, streamed. Bad dates get the report page with the message."""
    child = child_for(request, child_id, Need.READ)
    # Every episode of the period asked for: the export streams, whatever its length.
    period, context = _read_period(request, child, charts=False)
    if period is None:
        return render(request, "seizures/report.html", context, status=400)
    return _export(
        request, child, period, what="Seizures as CSV", chunks=csv_export.chunks, content_type=CSV,
        name=("seizures", "csv"),
    )  # fmt: skip


@require_GET
def export_fhir(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The period (?start=&end=, or any period the report takes) as a FHIR R4 Bundle,
    streamed. Bad dates get a FHIR OperationOutcome with the message, status 400."""
    child = child_for(request, child_id, Need.READ)
    period, context = _read_period(request, child, charts=False)
    if period is None:
        messages = [*context["period_errors"], *(e for errors in context["form"].errors.values() for e in errors)]
        return HttpResponse(fhir.outcome(list(dict.fromkeys(messages))), content_type=fhir.CONTENT_TYPE, status=400)
    return _export(
        request, child, period, what="Seizures as FHIR", chunks=fhir.chunks, content_type=fhir.CONTENT_TYPE,
        name=("seizures", "fhir.json"),
    )  # fmt: skip


@require_GET
def export_doses_csv(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The period's doses (by due time) as CSV, streamed; any member, audited like the episodes'."""
    child = child_for(request, child_id, Need.READ)
    period, context = _read_period(request, child, charts=False)
    if period is None:
        return render(request, "seizures/report.html", context, status=400)
    return _export(
        request, child, period, what="Doses as CSV", chunks=csv_doses.chunks, content_type=CSV, name=("doses", "csv")
    )
