"""The seizure action plan, its rescue medicines and the rescue doses given.

A plan is never changed in place: each save is a new `ActionPlan` version of the child's
plan (the highest version is the current one), with its own copy of the rescue medicines.
Rescue doses name their medicine by the version's row and by name: the guard
(`seizures.recording_plan.guard`) counts doses by name, so the doses given under an earlier
plan version still count against the interval and the 24-hour maximum.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.models import Child
from seizures.models import Episode

# A plan's steps: enough for a real clinic plan, few enough to print on one page.
MAX_STEPS = 8
MAX_MEDICINES = 3
# No step of a plan applies later than this far into a seizure.
MAX_STEP_MINUTE = 120
MAX_STEP_TEXT = 300
MAX_INTERVAL_MINUTES = 24 * 60
MAX_PER_DAY = 12
DAY = timedelta(hours=24)


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MCG = "mcg", "µg"
    ML = "mL", "mL"


class Route(models.TextChoices):
    BUCCAL = "buccal", _("buccal (inside the cheek)")
    INTRANASAL = "intranasal", _("into the nose")
    RECTAL = "rectal", _("rectal")
    ORAL = "oral", _("by mouth")
    OTHER = "other", _("another route")


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def for_child(self, child: Child) -> ActionPlanQuerySet:
        return self.filter(child=child)

    def newest_first(self) -> ActionPlanQuerySet:
        return self.order_by("-version")


class ActionPlan(models.Model):
    """One version of a child's seizure action plan. `steps` holds the steps in order as
    `[{"minute": 0, "text": "..."}, ...]`: each applies from that minute of a seizure."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="action_plans")
    version = models.PositiveIntegerField(editable=False)
    emergency_number = models.CharField(_("emergency number"), max_length=40)
    steps = models.JSONField(_("steps"), default=list)
    notes = models.TextField(_("other instructions"), blank=True, max_length=2000)
    written_by = models.CharField(
        _("written by"), max_length=200, help_text=_("Who wrote the plan, for example the child’s neurologist.")
    )
    written_on = models.DateField(_("date of the plan"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "version"], name="one_plan_per_version")]

    def __str__(self) -> str:
        return f"Action plan version {self.version}"

    def step_at(self, minute: float) -> dict | None:
        """The step that applies `minute` minutes into a seizure (the last one begun)."""
        current = None
        for step in self.steps:
            if step["minute"] <= minute:
                current = step
        return current

    def clean(self) -> None:
        errors = {}
        problem = steps_problem(self.steps)
        if problem:
            errors["steps"] = problem
        if message := bounds.day_error(self.written_on):
            errors["written_on"] = message
        if errors:
            raise ValidationError(errors)


def steps_problem(steps) -> str | None:
    """Why a plan's steps cannot be stored, or None."""
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        return _("A plan has between 1 and %(n)d steps.") % {"n": MAX_STEPS}
    previous = -1
    for step in steps:
        if not isinstance(step, dict) or set(step) != {"minute", "text"}:
            return _("Each step is a minute and what to do.")
        minute, text = step["minute"], step["text"]
        if not isinstance(minute, int) or isinstance(minute, bool) or not 0 <= minute <= MAX_STEP_MINUTE:
            return _("Each step’s minute is a whole number from 0 to %(n)d.") % {"n": MAX_STEP_MINUTE}
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_STEP_TEXT:
            return _("Say what to do at each step (at most %(n)d characters).") % {"n": MAX_STEP_TEXT}
        if minute < previous:
            return _("Put the steps in order of their minute.")
        previous = minute
    return None


class RescueMedicine(models.Model):
    """A rescue medicine as one plan version lists it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="rescue_medicines")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="medicines")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("medicine"), max_length=100)
    dose = models.CharField(_("dose as written on the plan"), max_length=200)
    amount = models.DecimalField(
        _("amount"),
        max_digits=8,
        decimal_places=3,
        validators=[MinValueValidator(0.001), MaxValueValidator(1000)],
    )
    unit = models.CharField(_("unit"), max_length=5, choices=DoseUnit)
    route = models.CharField(_("route"), max_length=12, choices=Route)
    min_interval_minutes = models.PositiveIntegerField(
        _("minimum minutes between doses"), validators=[MinValueValidator(1), MaxValueValidator(MAX_INTERVAL_MINUTES)]
    )
    max_per_day = models.PositiveSmallIntegerField(
        _("most doses in 24 hours"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_DAY)]
    )

    class Meta:
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """What a caregiver reads on the timer and in the log: name, dose and route."""
        return f"{self.name} {self.dose}, {Route(self.route).label}"


class RescueDoseQuerySet(models.QuerySet["RescueDose"]):
    def for_child(self, child: Child) -> RescueDoseQuerySet:
        return self.filter(child=child)

    def of(self, name: str) -> RescueDoseQuerySet:
        return self.filter(medicine_name__iexact=name.strip())

    def newest_first(self) -> RescueDoseQuerySet:
        return self.order_by("-given_at", "-pk")


class RescueDose(models.Model):
    """One rescue dose, given by whoever was there. `override` when the giver confirmed it
    past the guard (with `override_reason`); `over_guard` when it reached the server from a
    phone's outbox and the guard would have stopped it: kept (it was given) and shown."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="rescue_doses")
    medicine = models.ForeignKey(RescueMedicine, null=True, blank=True, on_delete=models.SET_NULL, related_name="doses")
    medicine_name = models.CharField(_("medicine"), max_length=100)
    dose = models.CharField(_("dose"), max_length=200, blank=True)
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.SET_NULL, related_name="rescue_doses")
    override = models.BooleanField(_("given past the guard on purpose"), default=False)
    override_reason = models.CharField(_("why"), max_length=500, blank=True)
    over_guard = models.BooleanField(_("arrived over the guard"), default=False)
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RescueDoseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "given_at"])]

    def __str__(self) -> str:
        return f"{self.medicine_name} at {self.given_at:%Y-%m-%d %H:%M} UTC"
