"""Medicines, their dose versions, the weight log and the dose log.

A Medicine belongs to one Treatment: the treatment keeps its start and stop dates (so the
charts' treatment bands and before/after figures read it unchanged) and the medicine adds
what a dose needs — its form, route and a history of dose versions, each dated. The
ketogenic diet and VNS stay plain treatments with no medicine.

The app records doses and shows mg/kg/day from the latest weight; it never computes or
suggests a dose.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.models import Child
from seizures import schedules

# A dose given later than this after its due time is marked late.
LATE_AFTER = timedelta(hours=1)
# A weight this much above or below the one a dose version was set at asks for a review.
WEIGHT_REVIEW_CHANGE = Decimal("0.10")
MIN_KG, MAX_KG = Decimal("0.5"), Decimal("50")
MAX_MG, MAX_ML, MAX_MG_PER_ML = Decimal("5000"), Decimal("100"), Decimal("1000")


# Treatment kinds that are not medicines: they keep their dates and have no doses.
NOT_MEDICINES = frozenset({"ketogenic_diet", "vns"})


def plain(number: Decimal) -> str:
    """10.000 as "10" and 2.500 as "2.5" (Decimal.normalize alone would write 1E+1)."""
    return f"{number.normalize():f}"


class TreatmentKindFor:
    """Which Treatment kind a medicine's name maps to (the rest are "another medicine")."""

    NAMED = {"quinidine": "quinidine", "phenytoin": "phenytoin", "acth": "acth", "prednisolone": "prednisone",
             "prednisone": "prednisone"}  # fmt: skip

    @classmethod
    def of(cls, name: str) -> str:
        return cls.NAMED.get(name.strip().lower(), "other")


# The pick-list: medicines commonly tried in MMPEI (any other name may be typed).
COMMON_MEDICINES = (
    "Quinidine",
    "Phenytoin",
    "Phenobarbital",
    "Levetiracetam",
    "Potassium bromide",
    "Prednisolone",
    "Vigabatrin",
    "Clobazam",
    "Topiramate",
    "Stiripentol",
    "Cannabidiol",
    "ACTH",
)


class DosageForm(models.TextChoices):
    LIQUID = "liquid", _("Liquid (oral solution or suspension)")
    TABLET = "tablet", _("Tablet")
    CAPSULE = "capsule", _("Capsule")
    POWDER = "powder", _("Powder or sachet")
    INJECTION = "injection", _("Injection")
    OTHER = "other", _("Other")


class Route(models.TextChoices):
    ORAL = "oral", _("By mouth")
    TUBE = "tube", _("Feeding tube (NG or gastrostomy)")
    BUCCAL = "buccal", _("Buccal (inside the cheek)")
    NASAL = "nasal", _("Nasal")
    RECTAL = "rectal", _("Rectal")
    INJECTION = "injection", _("Injection")


class DoseUnit(models.TextChoices):
    MG = "mg", _("mg")
    ML = "mL", _("mL")


class Medicine(models.Model):
    """A medicine the child takes: its dates are its treatment's."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="medicines")
    treatment = models.OneToOneField("seizures.Treatment", on_delete=models.CASCADE, related_name="medicine")
    name = models.CharField(_("medicine"), max_length=100)
    form = models.CharField(_("form"), max_length=20, choices=DosageForm, blank=True)
    route = models.CharField(_("route"), max_length=20, choices=Route, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["child", "name"])]

    def __str__(self) -> str:
        return self.name

    def ongoing(self, on: date) -> bool:
        t = self.treatment
        return t.started_on <= on and (t.stopped_on is None or t.stopped_on >= on)


class DoseVersion(models.Model):
    """One dose and schedule of a medicine, from `starts_on` until the next version's date.
    A dose change is a new version; earlier ones are kept as the medicine's history."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="dose_versions")
    medicine = models.ForeignKey(Medicine, on_delete=models.CASCADE, related_name="versions")
    starts_on = models.DateField(_("from"))
    dose = models.DecimalField(_("dose"), max_digits=9, decimal_places=3)
    dose_unit = models.CharField(_("unit"), max_length=4, choices=DoseUnit)
    strength = models.DecimalField(
        _("strength (mg per mL)"), max_digits=9, decimal_places=3, null=True, blank=True,
        help_text=_("For a liquid: how many mg are in one mL (from the bottle's label)."),
    )  # fmt: skip
    # Local times of day, "HH:MM", in clock order: see seizures.schedules.
    times = models.JSONField(_("times of day"), default=list)
    every_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["medicine", "starts_on"])]
        ordering = ["starts_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.dose} {self.dose_unit} from {self.starts_on}"

    @property
    def clock_times(self) -> list[time]:
        return [time.fromisoformat(t) for t in self.times]

    @property
    def dose_text(self) -> str:
        return plain(self.dose)

    @property
    def strength_text(self) -> str:
        return plain(self.strength) if self.strength is not None else ""

    @property
    def times_text(self) -> str:
        return ", ".join(self.times)

    @property
    def mg_per_dose(self) -> Decimal | None:
        """The dose in mg when it can be read from the label: mg given, or mL × strength."""
        if self.dose_unit == DoseUnit.MG:
            return self.dose
        if self.strength:
            return self.dose * self.strength
        return None

    @property
    def mg_per_day(self) -> Decimal | None:
        mg = self.mg_per_dose
        return None if mg is None else mg * len(self.times)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.dose is not None:
            limit = MAX_MG if self.dose_unit == DoseUnit.MG else MAX_ML
            if self.dose <= 0:
                errors["dose"] = _("A dose is more than zero.")
            elif self.dose > limit:
                errors["dose"] = _("This dose is over %(limit)s %(unit)s: check the number and the unit.") % {
                    "limit": limit,
                    "unit": self.dose_unit,
                }
        if self.strength is not None:
            if self.dose_unit != DoseUnit.ML:
                errors["strength"] = _("The strength in mg per mL is only for a dose measured in mL.")
            elif not 0 < self.strength <= MAX_MG_PER_ML:
                errors["strength"] = _("Give the strength from the label, between 0 and %(n)s mg per mL.") % {
                    "n": MAX_MG_PER_ML
                }
        if not self.times or not isinstance(self.times, list):
            errors["times"] = _("Give at least one time of day.")
        else:
            try:
                [time.fromisoformat(t) for t in self.times]
            except (TypeError, ValueError):
                errors["times"] = _("Give times of day like 08:00.")
        if self.every_hours is not None and self.every_hours not in schedules.EVERY_HOURS:
            errors["every_hours"] = _("Choose an interval that divides the day.")
        if message := bounds.day_error(self.starts_on):
            errors["starts_on"] = message
        elif self.starts_on and self.medicine_id and self.starts_on < self.medicine.treatment.started_on:
            errors["starts_on"] = _("A dose change cannot come before the medicine was started.")
        if errors:
            raise ValidationError(errors)


class WeightQuerySet(models.QuerySet["Weight"]):
    def for_child(self, child: Child) -> WeightQuerySet:
        return self.filter(child=child)

    def newest_first(self) -> WeightQuerySet:
        return self.order_by("-measured_on", "-created_at")


class Weight(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="weights")
    measured_on = models.DateField(_("weighed on"))
    kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=2)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WeightQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "-measured_on"])]

    def __str__(self) -> str:
        return f"{self.kg} kg on {self.measured_on}"

    def clean(self) -> None:
        errors = {}
        if self.kg is not None and not MIN_KG <= self.kg <= MAX_KG:
            errors["kg"] = _("Give the weight in kg, between %(low)s and %(high)s.") % {"low": MIN_KG, "high": MAX_KG}
        if message := bounds.day_error(self.measured_on):
            errors["measured_on"] = message
        elif self.measured_on and self.measured_on > timezone.now().date() + timedelta(days=1):
            errors["measured_on"] = _("This day has not come yet.")
        child = self.child if self.child_id else None
        if "measured_on" not in errors and child is not None and self.measured_on and self.measured_on < child.born_on:
            errors["measured_on"] = _("This day is before the child’s date of birth.")
        if errors:
            raise ValidationError(errors)


class DoseStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    SKIPPED = "skipped", _("Skipped")


class DoseQuerySet(models.QuerySet["Dose"]):
    def for_child(self, child: Child) -> DoseQuerySet:
        return self.filter(child=child)

    def due_between(self, start: datetime, end: datetime) -> DoseQuerySet:
        return self.filter(scheduled_at__gte=start, scheduled_at__lt=end)


class Dose(models.Model):
    """A scheduled dose given or skipped. One per medicine and due time (`scheduled_at`);
    a dose given again for the same due time, after the giver confirmed that someone had
    already given it, is an extra dose and does not take that place."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="doses")
    medicine = models.ForeignKey(Medicine, on_delete=models.CASCADE, related_name="doses")
    scheduled_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=DoseStatus)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    late = models.BooleanField(_("late"), default=False)
    extra = models.BooleanField(_("extra dose"), default=False)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Made by the phone, so a tap sent twice (or replayed offline) is stored once.
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DoseQuerySet.as_manager()

    class Meta:
        constraints = [
            # Two phones tapping "Given" at once store one dose (the other is told who gave it).
            models.UniqueConstraint(
                fields=["medicine", "scheduled_at"], condition=Q(extra=False), name="one_dose_per_due_time"
            )
        ]
        indexes = [models.Index(fields=["child", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.status} dose due {self.scheduled_at:%Y-%m-%d %H:%M} UTC"
