from __future__ import annotations

from django.urls import path

from seizures.reports import views as reports
from seizures.views import (
    alerts,
    days,
    episodes,
    home,
    imports,
    medicines,
    notes,
    outbox,
    plan,
    tally,
    timeline,
    timer,
    treatments,
    uncountable,
)

app_name = "seizures"

EPISODE = "c/<uuid:child_id>/seizures/<uuid:episode_id>/"
TREATMENT = "c/<uuid:child_id>/treatments/<uuid:treatment_id>/"
DAYS = "c/<uuid:child_id>/days/"
UNCOUNTABLE = "c/<uuid:child_id>/too-frequent/"
MEDICINE = "c/<uuid:child_id>/medicines/<uuid:medicine_id>/"
NOTES = "c/<uuid:child_id>/notes/"
ALERTS = "c/<uuid:child_id>/alerts/"

urlpatterns = [
    path("c/<uuid:child_id>/", home.child_home, name="home"),
    path("c/<uuid:child_id>/tally/", tally.tally_add, name="tally-add"),
    path("c/<uuid:child_id>/tally/undo/", tally.tally_undo, name="tally-undo"),
    path("c/<uuid:child_id>/seizures/", timeline.timeline, name="timeline"),
    path("c/<uuid:child_id>/seizures/start/", timer.episode_start, name="episode-start"),
    path("c/<uuid:child_id>/seizures/now/", timer.timer_now, name="timer-now"),
    path("c/<uuid:child_id>/sync/", outbox.sync, name="sync"),
    path("c/<uuid:child_id>/seizures/new/", episodes.episode_add, name="episode-add"),
    path("c/<uuid:child_id>/seizures/deleted/", episodes.episodes_deleted, name="episodes-deleted"),
    path(EPISODE, episodes.episode_edit, name="episode-edit"),
    path(EPISODE + "delete/", episodes.episode_delete, name="episode-delete"),
    path(EPISODE + "restore/", episodes.episode_restore, name="episode-restore"),
    path(EPISODE + "timer/", timer.timer, name="timer"),
    path(EPISODE + "timer/set/", timer.episode_set, name="episode-set"),
    path(EPISODE + "timer/move/", timer.episode_move, name="episode-move"),
    path(EPISODE + "timer/move/undo/", timer.episode_move_undo, name="episode-move-undo"),
    path(EPISODE + "timer/rescue/", timer.episode_rescue, name="episode-rescue"),
    path(EPISODE + "timer/end/", timer.episode_end, name="episode-end"),
    path("c/<uuid:child_id>/treatments/", treatments.treatments, name="treatments"),
    path("c/<uuid:child_id>/treatments/new/", treatments.treatment_add, name="treatment-add"),
    path(TREATMENT, treatments.treatment_edit, name="treatment-edit"),
    path(TREATMENT + "stop/", treatments.treatment_stop, name="treatment-stop"),
    path("c/<uuid:child_id>/medicines/", medicines.medicines, name="medicines"),
    path("c/<uuid:child_id>/medicines/new/", medicines.medicine_add, name="medicine-add"),
    path(MEDICINE, medicines.medicine, name="medicine"),
    path(MEDICINE + "dose/", medicines.medicine_dose_change, name="medicine-dose-change"),
    path(MEDICINE + "dose/<uuid:version_id>/remove/", medicines.medicine_dose_remove, name="medicine-dose-remove"),
    path(MEDICINE + "edit/", medicines.medicine_edit, name="medicine-edit"),
    path(MEDICINE + "stop/", medicines.medicine_stop, name="medicine-stop"),
    path("c/<uuid:child_id>/weight/", medicines.weights, name="weights"),
    path("c/<uuid:child_id>/weight/<uuid:weight_id>/remove/", medicines.weight_remove, name="weight-remove"),
    path("c/<uuid:child_id>/doses/", medicines.dose_record, name="dose-record"),
    path("c/<uuid:child_id>/doses/<uuid:dose_id>/remove/", medicines.dose_remove, name="dose-remove"),
    path("c/<uuid:child_id>/doses.csv", reports.export_doses_csv, name="export-doses-csv"),
    path(DAYS, days.days, name="days"),
    path(DAYS + "confirm/", days.day_confirm, name="day-confirm"),
    path(DAYS + "not-recorded/", days.not_recorded_add, name="not-recorded-add"),
    path(DAYS + "not-recorded/<uuid:range_id>/remove/", days.not_recorded_remove, name="not-recorded-remove"),
    path(UNCOUNTABLE, uncountable.uncountable, name="uncountable"),
    path(UNCOUNTABLE + "new/", uncountable.uncountable_add, name="uncountable-add"),
    path(UNCOUNTABLE + "start/", uncountable.uncountable_start, name="uncountable-start"),
    path(UNCOUNTABLE + "end/", uncountable.uncountable_end, name="uncountable-end"),
    path(UNCOUNTABLE + "<uuid:period_id>/", uncountable.uncountable_edit, name="uncountable-edit"),
    path(UNCOUNTABLE + "<uuid:period_id>/delete/", uncountable.uncountable_delete, name="uncountable-delete"),
    path("c/<uuid:child_id>/plan/", plan.plan, name="plan"),
    path("c/<uuid:child_id>/plan/edit/", plan.plan_edit, name="plan-edit"),
    path("c/<uuid:child_id>/plan/history/", plan.plan_history, name="plan-history"),
    path("c/<uuid:child_id>/plan/print/", plan.plan_print, name="plan-print"),
    path("c/<uuid:child_id>/rescue/", plan.rescue_give, name="rescue-give"),
    path(NOTES, notes.notes, name="notes"),
    path(NOTES + "new/", notes.note_add, name="note-add"),
    path(NOTES + "<uuid:note_id>/delete/", notes.note_delete, name="note-delete"),
    path("c/<uuid:child_id>/charts/", reports.charts, name="charts"),
    path("c/<uuid:child_id>/report/", reports.report, name="report"),
    path("c/<uuid:child_id>/export.csv", reports.export_csv, name="export-csv"),
    path("c/<uuid:child_id>/fhir/", reports.export_fhir, name="export-fhir"),
    path("c/<uuid:child_id>/import/", imports.import_upload, name="import-upload"),
    path("c/<uuid:child_id>/import/<uuid:upload_id>/", imports.import_map, name="import-map"),
    path(ALERTS, alerts.alerts, name="alerts"),
    path(ALERTS + "devices/", alerts.device_add, name="alert-device-add"),
    path(ALERTS + "devices/<uuid:device_id>/test/", alerts.device_test, name="alert-device-test"),
    path(ALERTS + "devices/<uuid:device_id>/remove/", alerts.device_remove, name="alert-device-remove"),
]
