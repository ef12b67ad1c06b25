"""Episodes (seizures), cluster tallies and treatments.

Reads of family data go through the QuerySets below, always scoped to one child:
`Episode.objects.for_child(child).live().between(a, b)`. The child itself comes from
`caregiver.access.child_for`, so scope follows membership.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver import bounds
from caregiver.models import Child
from seizures.signs import (
    BY_KEY,
    MAX_PATH_STEPS,
    REGION_KEYS,
    SIGNS,
    Colour,
    Limb,
    Onset,
    Region,
    SeizureType,
    Side,
)

# Longest seizure the diary accepts; anything longer is a mistake or a forgotten timer.
MAX_DURATION = timedelta(hours=24)
# A phone's clock may run a little ahead of the server's; a start this far ahead is still "now".
CLOCK_SKEW = timedelta(minutes=2)
RESTORE_WINDOW = timedelta(days=30)
# A "+1" joins the current cluster when the previous tap came at most this long before.
CLUSTER_GAP = timedelta(hours=1)
# An entry the server first received longer than this after the seizure began was written
# from memory: "backfilled" on the timeline, in the CSV and in the report's coverage.
BACKFILL_AFTER = timedelta(hours=24)


def is_backfilled(started_at: datetime, received_at: datetime) -> bool:
    """In whole seconds since 1970, as the report's SQL counts them, so the two always agree."""
    return math.floor(received_at.timestamp()) - math.floor(started_at.timestamp()) > BACKFILL_AFTER.total_seconds()


# A "Seizure now" this close to the start of a seizure already being timed joins it: two
# caregivers starting the same seizure must not log it twice.
JOIN_WINDOW = timedelta(minutes=30)


def local_midnight(day: date, zone) -> datetime:
    """The instant (in UTC) at which `day` begins in `zone`. A 23- or 25-hour day ends at the
    next day's midnight, whatever its length. Returned in UTC because Python subtracts two
    datetimes of one zone on the wall clock, which would hide that length."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)


def day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def for_child(self, child: Child) -> EpisodeQuerySet:
        return self.filter(child=child)

    def live(self) -> EpisodeQuerySet:
        """Not deleted. Every count, chart and list starts here."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> EpisodeQuerySet:
        return self.filter(deleted_at__isnull=False)

    def restorable(self) -> EpisodeQuerySet:
        return self.filter(deleted_at__gte=timezone.now() - RESTORE_WINDOW)

    def between(self, start: datetime, end: datetime) -> EpisodeQuerySet:
        """Started at or after `start` and before `end` (half-open, so days never overlap)."""
        return self.filter(started_at__gte=start, started_at__lt=end)

    def on_day(self, day: date, zone) -> EpisodeQuerySet:
        return self.between(*day_bounds(day, zone))

    def in_progress(self) -> EpisodeQuerySet:
        return self.filter(in_progress=True)

    def tallies(self) -> EpisodeQuerySet:
        return self.filter(is_tally=True)

    def with_sign(self, key: str) -> EpisodeQuerySet:
        if key not in BY_KEY:
            raise ValueError(f"unknown sign {key!r}")
        return self.filter(**{key: True})

    def newest_first(self) -> EpisodeQuerySet:
        return self.order_by("-started_at", "-public_id")


class Cluster(models.Model):
    """A run of near-constant seizures counted with "+1" taps. Each tap is an Episode that
    points here; `last_at` moves with every tap so the next one knows whether to join
    (`seizures.recording.tap`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="clusters")
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["child", "-last_at"])]

    def __str__(self) -> str:
        return f"Cluster from {self.started_at:%Y-%m-%d %H:%M}"


class Episode(models.Model):
    """One seizure. Stored in UTC, shown and counted in the child's time zone.

    Signs are one BooleanField each (named by the keys in `seizures.signs`) so the charts can
    SUM them in SQL. `path` holds the migration path as `[{"region": "left_arm",
    "at_seconds": 0}, ...]` (`at_seconds` is null when the time into the seizure is unknown);
    `region_count` and `migrated` mirror it for cheap aggregation and are kept in step by
    `save()` (code that bulk-creates must call `sync_path()` itself).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    # True while the live timer runs; the timer's "Seizure ended" stores the duration.
    in_progress = models.BooleanField(default=False)

    apnea = models.BooleanField(_("apnea"), default=False)
    flushing = models.BooleanField(_("face flushing"), default=False)
    eye_deviation = models.BooleanField(_("head or eyes turn to one side"), default=False)
    eye_side = models.CharField(_("which side"), max_length=10, choices=Side, blank=True)
    jerking = models.BooleanField(_("jerking of an arm or leg"), default=False)
    jerking_side = models.CharField(_("which side"), max_length=10, choices=Side, blank=True)
    jerking_limb = models.CharField(_("which limb"), max_length=10, choices=Limb, blank=True)
    twitching = models.BooleanField(_("eyelid or tongue twitching"), default=False)
    drooling = models.BooleanField(_("drooling"), default=False)

    colour_change = models.CharField(_("colour change"), max_length=10, choices=Colour, blank=True)
    stillness = models.BooleanField(_("sudden stillness or staring"), default=False)
    feed_interrupted = models.BooleanField(_("feed interrupted"), default=False)
    subtle = models.BooleanField(_("subtle — not sure it was a seizure"), default=False)
    seen_on_eeg = models.BooleanField(_("seen on EEG in hospital"), default=False)
    # Context: what the child was doing as it began, and the seizure's type when a parent or
    # clinician can tell (blank: not said).
    onset = models.CharField(_("when it began"), max_length=10, choices=Onset, default=Onset.UNKNOWN)
    seizure_type = models.CharField(_("type of seizure"), max_length=20, choices=SeizureType, blank=True)

    path = models.JSONField(_("migration path"), default=list, blank=True)
    region_count = models.PositiveSmallIntegerField(default=0, editable=False)
    migrated = models.BooleanField(default=False, editable=False)

    rescue_medicine = models.CharField(
        _("rescue medicine given"), max_length=200, blank=True, help_text=_("What was given, and how much.")
    )
    rescue_given_at = models.DateTimeField(_("rescue medicine given at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)

    is_tally = models.BooleanField(default=False, help_text=_("Counted with the “+1” button."))
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes")

    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Made by the phone, so a retried or replayed submission saves exactly once.
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # When the server first received the entry: the seizure's own time is `started_at`.
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change; an edit form posts the version it showed (optimistic locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        indexes = [
            # Timeline, day counts and charts: one child's live episodes by time.
            models.Index(
                fields=["child", "started_at", "public_id"],
                condition=Q(deleted_at__isnull=True),
                name="episode_live_by_start",
            ),
            # Charts and the report (seizures/reports/stats/): every column their day-by-day
            # aggregates read, so those come from the index alone, not the wide table rows.
            # deleted_at (always null here) is listed so SQLite sees the index as covering.
            models.Index(
                fields=[
                    "child",
                    "started_at",
                    "duration_seconds",
                    "is_tally",
                    "migrated",
                    *(sign.key for sign in SIGNS),
                    *(sign.side_field for sign in SIGNS if sign.side_field),
                    "rescue_medicine",
                    # The split by onset state and the seizure types (reports/stats/days.py).
                    "onset",
                    "seizure_type",
                    # The report's time from a seizure to its entry (reports/stats/entries.py).
                    "received_at",
                    "deleted_at",
                ],
                condition=Q(deleted_at__isnull=True),
                name="episode_live_stats",
            ),
            models.Index(fields=["child"], condition=Q(in_progress=True), name="episode_in_progress"),
            models.Index(fields=["child", "deleted_at"], condition=Q(deleted_at__isnull=False), name="episode_deleted"),
        ]

    def __str__(self) -> str:
        return f"Seizure at {self.started_at:%Y-%m-%d %H:%M} UTC"

    # --- Derived values -------------------------------------------------------------------
    @property
    def signs(self) -> list:
        """The ticked checklist signs, in checklist order."""
        return [sign for sign in SIGNS if getattr(self, sign.key)]

    @property
    def path_steps(self) -> list[dict]:
        labels = dict(Region.choices)
        return [
            {"region": s["region"], "label": labels.get(s["region"], s["region"]), "at": s.get("at_seconds")}
            for s in self.path
        ]

    @property
    def backfilled(self) -> bool:
        return is_backfilled(self.started_at, self.received_at)

    @property
    def ended_at(self) -> datetime | None:
        if self.duration_seconds is None:
            return None
        return self.started_at + timedelta(seconds=self.duration_seconds)

    def elapsed_seconds(self, now: datetime | None = None) -> int:
        return max(0, int(((now or timezone.now()) - self.started_at).total_seconds()))

    # --- Keeping derived fields honest ------------------------------------------------------
    def sync_path(self) -> None:
        regions = {step["region"] for step in self.path if isinstance(step, dict) and "region" in step}
        self.region_count = len(regions)
        self.migrated = self.region_count > 1

    def normalise(self) -> None:
        """A side only means something with its sign: unticking a sign clears its side."""
        for sign in SIGNS:
            if not getattr(self, sign.key):
                for name in (sign.side_field, sign.limb_field):
                    if name:
                        setattr(self, name, "")
        self.sync_path()

    def save(self, *args, **kwargs) -> None:
        """Normalises, and bumps `version` on every change of a stored row. Writers load the
        row with `select_for_update()` first, so the bump counts every change exactly once."""
        self.normalise()
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # What normalise() and the bump changed is written with whatever was asked for.
            kwargs["update_fields"] = {
                *update_fields,
                "version",
                "region_count",
                "migrated",
                "updated_at",
                *(f for s in SIGNS for f in (s.side_field, s.limb_field) if f),
            }
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.normalise()
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        if self.started_at is not None:
            child = self.child if self.child_id else None
            if self.started_at > timezone.now() + CLOCK_SKEW:
                add("started_at", _("The start cannot be in the future."))
            elif bounds.bounded_instant(self.started_at) is None:
                add("started_at", bounds.too_early_message())
            elif child is not None and self.started_at.astimezone(child.zone).date() < child.born_on:
                add("started_at", _("The start cannot be before the child’s date of birth."))
        if self.duration_seconds is not None:
            if self.duration_seconds <= 0:
                add("duration_seconds", _("A seizure lasts more than zero seconds."))
            elif self.duration_seconds > MAX_DURATION.total_seconds():
                add("duration_seconds", _("A duration over 24 hours is not possible; check the numbers."))
        for sign in SIGNS:
            if not getattr(self, sign.key):
                continue
            if sign.side_field and not getattr(self, sign.side_field):
                add(sign.side_field, _("Choose the side, or “side not seen”."))
            if sign.limb_field and not getattr(self, sign.limb_field):
                add(sign.limb_field, _("Choose the limb, or “limb not seen”."))
        for message in path_problems(self.path, self.duration_seconds):
            add("path", message)
        if self.rescue_given_at is not None:
            if not self.rescue_medicine.strip():
                add("rescue_medicine", _("Say which rescue medicine was given."))
            if self.started_at is not None and self.rescue_given_at < self.started_at:
                add("rescue_given_at", _("Rescue medicine cannot be given before the seizure started."))
            if self.rescue_given_at > timezone.now() + CLOCK_SKEW:
                add("rescue_given_at", _("This time is in the future."))
        if errors:
            raise ValidationError(errors)


class JoinedStart(models.Model):
    """A phone's "Seizure now" that joined a seizure another caregiver was already timing.

    The phone keeps its own client UUID for everything it sends about that seizure; this row
    maps the UUID to the episode it joined, so the phone's later entries (signs, the end) land
    there, and a replayed start joins again instead of logging the seizure twice."""

    client_uuid = models.UUIDField(unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="joined_starts")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client_uuid} joined {self.episode_id}"


def path_problems(path, duration_seconds: int | None) -> list:
    """What is wrong with a migration path, as messages (empty when it is fine)."""
    if not isinstance(path, list):
        return [_("The migration path must be a list of steps.")]
    if len(path) > MAX_PATH_STEPS:
        return [_("A migration path has at most %(n)d steps.") % {"n": MAX_PATH_STEPS}]
    problems = []
    previous_region, previous_at = None, 0
    for step in path:
        if not isinstance(step, dict) or step.get("region") not in REGION_KEYS:
            return [_("Choose each body region from the list.")]
        at = step.get("at_seconds")
        if at is not None:
            if not isinstance(at, int) or isinstance(at, bool) or at < 0:
                return [_("Times into the seizure must be whole seconds.")]
            if at < previous_at:
                problems.append(_("Each step must come at or after the one before it."))
            elif duration_seconds is not None and at > duration_seconds:
                problems.append(_("A step cannot come after the seizure ended."))
            previous_at = at
        if step["region"] == previous_region:
            problems.append(_("The same region twice in a row is one step; remove the repeat."))
        previous_region = step["region"]
    return list(dict.fromkeys(problems))


class TreatmentKind(models.TextChoices):
    QUINIDINE = "quinidine", _("Quinidine")
    PHENYTOIN = "phenytoin", _("Phenytoin")
    ACTH = "acth", _("ACTH")
    PREDNISONE = "prednisone", _("Prednisone / prednisolone")
    KETOGENIC_DIET = "ketogenic_diet", _("Ketogenic diet")
    VNS = "vns", _("Vagus nerve stimulation (VNS)")
    OTHER = "other", _("Another medicine")


class TreatmentQuerySet(models.QuerySet["Treatment"]):
    def for_child(self, child: Child) -> TreatmentQuerySet:
        return self.filter(child=child)

    def ongoing(self, on: date) -> TreatmentQuerySet:
        """Started on or before `on` and not stopped by then (the stop date is the last day)."""
        return self.filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=on), started_on__lte=on)

    def overlapping(self, start: date, end: date) -> TreatmentQuerySet:
        """Active on at least one day from `start` to `end` inclusive."""
        return self.filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=start), started_on__lte=end)


class Treatment(models.Model):
    """A medicine, diet or device tried for the child, from its start to its stop date
    (the stop date is the last day it was given; open while ongoing)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(_("treatment"), max_length=20, choices=TreatmentKind)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Needed for another medicine."))
    dose = models.CharField(_("dose or settings"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"))
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True, help_text=_("Leave empty while ongoing."))
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "started_on"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == TreatmentKind.OTHER:
            return self.name or str(TreatmentKind.OTHER.label)
        kind = str(TreatmentKind(self.kind).label)
        return f"{kind} ({self.name})" if self.name else kind

    def clean(self) -> None:
        errors = {}
        if self.kind == TreatmentKind.OTHER and not self.name.strip():
            errors["name"] = _("Give the medicine’s name.")
        if self.started_on and self.stopped_on and self.stopped_on < self.started_on:
            errors["stopped_on"] = _("The stop date cannot be before the start date.")
        child = self.child if self.child_id else None
        if child is not None and self.started_on and self.started_on < child.born_on:
            errors["started_on"] = _("The start cannot be before the child’s date of birth.")
        for name in ("started_on", "stopped_on"):
            if message := bounds.day_error(getattr(self, name)):
                errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)


class DayConfirmation(models.Model):
    """A caregiver's word that a day of the diary is complete ("no more seizures today"):
    a day without entries then counts as seizure-free instead of unrecorded. One per child
    and day; `late` when it was given after that day had ended in the child's time zone."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="day_confirmations")
    confirmed_on = models.DateField(_("day"))
    confirmed_at = models.DateTimeField(_("confirmed at"))
    late = models.BooleanField(_("confirmed late"), default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Made by the phone, so a confirmation sent twice (or replayed offline) is stored once.
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "confirmed_on"], name="one_confirmation_per_day")]

    def __str__(self) -> str:
        return f"{self.confirmed_on} confirmed"

    def clean(self) -> None:
        child = self.child if self.child_id else None
        if self.confirmed_on and self.confirmed_at and child is not None:
            if self.confirmed_on > child.today(self.confirmed_at):
                raise ValidationError({"confirmed_on": _("A day can only be confirmed once it has begun.")})
            if self.confirmed_on < child.born_on:
                raise ValidationError({"confirmed_on": _("This day is before the child’s date of birth.")})


class NotRecordedRange(models.Model):
    """Days an owner marked as not recorded (a hospital stay, a weekend with a sitter): no
    figure counts them, whatever was or was not logged on them. Both dates are included."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="not_recorded_ranges")
    started_on = models.DateField(_("first day"))
    ended_on = models.DateField(_("last day"))
    reason = models.CharField(
        _("reason"), max_length=200, blank=True, help_text=_("Optional: a hospital stay, away with a sitter…")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["child", "started_on"])]

    def __str__(self) -> str:
        return f"Not recorded {self.started_on} to {self.ended_on}"

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The last day cannot be before the first day.")
        child = self.child if self.child_id else None
        if child is not None and self.started_on and self.started_on < child.born_on:
            errors["started_on"] = _("This day is before the child’s date of birth.")
        for name in ("started_on", "ended_on"):
            if message := bounds.day_error(getattr(self, name)):
                errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)


class ImportUpload(models.Model):
    """A CSV file an owner uploaded, kept between the mapping and preview steps and the import
    (then deleted; left-overs go after a day). The owner who uploaded it alone may use it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="import_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


# The longest period a caregiver may mark as too frequent to count: the worst weeks of this
# disease last days, and anything longer is a slip in the dates (or the diary given up on).
MAX_UNCOUNTABLE = timedelta(days=14)
MAX_ESTIMATE = 100_000


class UncountablePeriodQuerySet(models.QuerySet["UncountablePeriod"]):
    def for_child(self, child: Child) -> UncountablePeriodQuerySet:
        return self.filter(child=child)

    def touching(self, start: datetime, end: datetime) -> UncountablePeriodQuerySet:
        """Overlapping [start, end): an open period (no end yet) runs on to now."""
        return self.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start), started_at__lt=end)

    def open(self) -> UncountablePeriodQuerySet:
        return self.filter(ended_at__isnull=True)


class UncountablePeriod(models.Model):
    """A stretch of time when seizures came too fast to count with "+1" (`started_at` to
    `ended_at`, half-open; no end while it goes on). No exact figure counts the seizures
    logged inside it; the period is reported apart, with the caregiver's estimate when one
    was given, and every day it touches counts as recorded."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="uncountable_periods")
    started_at = models.DateTimeField(_("began at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    estimated_count = models.PositiveIntegerField(
        _("estimated number of seizures"),
        null=True,
        blank=True,
        help_text=_("Optional: your best guess. Leave empty if you cannot say."),
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Made by the phone, so a start sent twice (or replayed offline) is stored once; the end
    # has its own key, so a replayed end never ends a later period.
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    end_client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UncountablePeriodQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "started_at"])]
        constraints = [
            # At most one open period per child: "too frequent to count" is started once.
            models.UniqueConstraint(fields=["child"], condition=Q(ended_at__isnull=True), name="one_open_uncountable")
        ]

    def __str__(self) -> str:
        return f"Too frequent to count from {self.started_at:%Y-%m-%d %H:%M} UTC"

    def length(self, now: datetime | None = None) -> timedelta:
        """How long it lasted (an open one: so far)."""
        return (self.ended_at or now or timezone.now()) - self.started_at

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        now = timezone.now()
        child = self.child if self.child_id else None
        for name in ("started_at", "ended_at"):
            value = getattr(self, name)
            if value is None:
                continue
            if value > now + CLOCK_SKEW:
                add(name, _("This time is in the future."))
            elif bounds.bounded_instant(value) is None:
                add(name, bounds.too_early_message())
            elif child is not None and value.astimezone(child.zone).date() < child.born_on:
                add(name, _("This time is before the child’s date of birth."))
        if self.started_at is not None and self.ended_at is not None and not errors:
            if self.ended_at <= self.started_at:
                add("ended_at", _("The end must come after the start."))
            elif self.ended_at - self.started_at > MAX_UNCOUNTABLE:
                add("ended_at", _("A period too frequent to count can last at most 14 days; check the dates."))
        if self.estimated_count is not None and self.estimated_count > MAX_ESTIMATE:
            add("estimated_count", _("An estimate over 100,000 is not possible; check the number."))
        if errors:
            raise ValidationError(errors)


class DayNoteKind(models.TextChoices):
    ILLNESS = "illness", _("Illness or fever")
    VACCINATION = "vaccination", _("Vaccination")
    MISSED_SLEEP = "missed_sleep", _("Missed sleep")
    OTHER = "other", _("Other")


# A body temperature outside this range is a typing mistake, not a fever (°C).
TEMPERATURE_RANGE = (Decimal("34"), Decimal("43"))


def temperature_message() -> str:
    low, high = TEMPERATURE_RANGE
    return _("Give the temperature in °C, between %(low)s and %(high)s.") % {"low": low, "high": high}


class DayNoteQuerySet(models.QuerySet["DayNote"]):
    def for_child(self, child: Child) -> DayNoteQuerySet:
        return self.filter(child=child)

    def between(self, first: date, last: date) -> DayNoteQuerySet:
        """Notes for the days from `first` to `last` inclusive, in date order."""
        return self.filter(noted_on__gte=first, noted_on__lte=last).order_by("noted_on", "created_at", "pk")


class DayNote(models.Model):
    """Something about a day that may explain its seizures: an illness or fever (with the
    temperature, when taken), a vaccination, missed sleep, or anything else in words. Shown
    on the frequency chart and listed in the report."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="day_notes")
    noted_on = models.DateField(_("day"))
    kind = models.CharField(_("what happened"), max_length=20, choices=DayNoteKind)
    temperature_c = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Optional, for an illness or fever: the highest taken that day."),
    )
    text = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # Made by the page, so a note sent twice (a double tap, a retried request) is stored once.
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = DayNoteQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "noted_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.noted_on}"

    @property
    def label(self) -> str:
        """The note in a few words: "Illness or fever, 38.5 °C: ear infection"."""
        words = str(self.get_kind_display()) if self.kind != DayNoteKind.OTHER or not self.text else ""
        if self.temperature_c is not None:
            words += f", {self.temperature_c} °C"
        if self.text:
            words = f"{words}: {self.text}" if words else self.text
        return words

    def clean(self) -> None:
        errors: dict[str, str] = {}
        low, high = TEMPERATURE_RANGE
        if self.temperature_c is not None:
            if self.kind != DayNoteKind.ILLNESS:
                errors["temperature_c"] = _("A temperature goes with an illness or fever.")
            elif not low <= self.temperature_c <= high:
                errors["temperature_c"] = temperature_message()
        if self.kind == DayNoteKind.OTHER and not self.text.strip():
            errors["text"] = _("Say what happened.")
        child = self.child if self.child_id else None
        if self.noted_on:
            if message := bounds.day_error(self.noted_on):
                errors["noted_on"] = message
            elif child is not None and self.noted_on < child.born_on:
                errors["noted_on"] = _("This day is before the child’s date of birth.")
            elif child is not None and self.noted_on > child.today():
                errors["noted_on"] = _("A note is for a day that has begun.")
        if errors:
            raise ValidationError(errors)


# Medicines, doses and weights, the action plan with its rescue doses, and the team alerts
# live in their own modules; imported here so Django registers them as this app's models.
from seizures.alert_models import Alert, AlertPreference, PushSubscription  # noqa: E402, F401
from seizures.medicine_models import Dose, DoseVersion, Medicine, Weight  # noqa: E402, F401
from seizures.plan_models import ActionPlan, RescueDose, RescueMedicine  # noqa: E402, F401
