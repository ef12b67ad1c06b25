"""Six months of believable history for the demo child, the same on every run (a seeded
random generator), written with a handful of bulk inserts.

The shape follows the fact sheet: seizures become more frequent month by month, come in
clusters of near-constant seizures, often migrate from one side or limb to another, and the
treatments tried (phenytoin, ACTH, quinidine, the ketogenic diet) each change the rate a little.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from caregiver.models import Child, Membership, User
from seizures import dues
from seizures.medicine_models import LATE_AFTER, NOT_MEDICINES
from seizures.models import (
    Cluster,
    DayNote,
    DayNoteKind,
    Dose,
    DoseVersion,
    Episode,
    Medicine,
    Treatment,
    TreatmentKind,
    Weight,
)
from seizures.signs import Colour, Limb, Onset, Region, SeizureType, Side

DAYS = 182
SEED = 20260301
# Relative chance of a seizure starting in each hour of the day (more around sleep).
HOUR_WEIGHTS = [6, 6, 5, 5, 6, 7, 6, 4, 3, 3, 3, 4, 5, 5, 4, 3, 3, 3, 4, 5, 6, 6, 6, 6]
# (kind, name, dose, first day, last day or None, effect on the daily rate while given)
TREATMENTS = [
    (TreatmentKind.PHENYTOIN, "", "5 mg/kg/day in two doses", 14, 45, 0.9),
    (TreatmentKind.ACTH, "", "Tetracosactide depot, 2-week course then taper", 60, 88, 0.6),
    (TreatmentKind.QUINIDINE, "", "Started 10 mg/kg/day, now 30 mg/kg/day", 100, None, 0.7),
    (TreatmentKind.KETOGENIC_DIET, "", "3:1 ratio, KetoCal", 150, None, 0.8),
]
CLUSTER_DAYS = [37, 71, 118, 139, 163, 176]
# (medicine, form, route, [(first day, dose, unit, mg/mL, times)]) for the medicine treatments;
# ACTH has no dose schedule, only the words typed on its treatment.
MEDICINES = {
    TreatmentKind.PHENYTOIN: ("Phenytoin", "liquid", "oral", [(14, "3", "mL", "6", ["08:00", "20:00"])]),
    TreatmentKind.ACTH: ("ACTH", "injection", "injection", []),
    TreatmentKind.QUINIDINE: (
        "Quinidine", "liquid", "tube",
        [(100, "2", "mL", "10", ["06:00", "14:00", "22:00"]), (130, "4.5", "mL", "10", ["06:00", "14:00", "22:00"])],
    ),
}  # fmt: skip
DOSE_DAYS = 10  # the latest days' doses of the ongoing medicines
SIDE_REGIONS = {
    Side.LEFT: [Region.LEFT_ARM, Region.LEFT_LEG, Region.LEFT_FACE],
    Side.RIGHT: [Region.RIGHT_ARM, Region.RIGHT_LEG, Region.RIGHT_FACE],
}


# Days (from the first of the history) with a note, as a family would write them.
DAY_NOTES = [
    (20, DayNoteKind.VACCINATION, None, "2-month vaccines"),
    (52, DayNoteKind.ILLNESS, Decimal("38.6"), "Cold, runny nose"),
    (53, DayNoteKind.MISSED_SLEEP, None, ""),
    (DAYS - 9, DayNoteKind.ILLNESS, Decimal("38.9"), "Ear infection"),
]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of one day.
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _moment(rng: random.Random, day: date, zone) -> datetime:
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
    return local.astimezone(UTC)


def _onset(draw: float) -> str:
    """One draw (as many as the history has always taken) spread over the onset states."""
    for limit, onset in ((0.3, Onset.ASLEEP), (0.8, Onset.AWAKE), (0.88, Onset.FEEDING)):
        if draw < limit:
            return onset
    return Onset.UNKNOWN


def _episode(rng: random.Random, child: Child, started_at: datetime, by: User) -> Episode:
    duration = max(5, int(rng.lognormvariate(4.2, 0.7)))
    side = rng.choice([Side.LEFT, Side.RIGHT, Side.LEFT, Side.RIGHT, Side.NOT_SEEN])
    episode = Episode(
        child=child,
        started_at=started_at,
        duration_seconds=duration if rng.random() > 0.08 else None,
        apnea=rng.random() < 0.45,
        flushing=rng.random() < 0.4,
        eye_deviation=rng.random() < 0.5,
        jerking=rng.random() < 0.6,
        twitching=rng.random() < 0.25,
        drooling=rng.random() < 0.2,
        stillness=rng.random() < 0.15,
        onset=_onset(rng.random()),
        feed_interrupted=rng.random() < 0.08,
        subtle=rng.random() < 0.05,
        colour_change=rng.choice([Colour.BLUE, Colour.PALE]) if rng.random() < 0.12 else "",
        logged_by=by,
        received_at=min(started_at + timedelta(minutes=rng.randrange(1, 30)), timezone.now()),
    )
    if episode.jerking or episode.eye_deviation:
        episode.seizure_type = SeizureType.FOCAL_MOTOR
    if episode.eye_deviation:
        episode.eye_side = side
    if episode.jerking:
        episode.jerking_side = side
        episode.jerking_limb = rng.choice(Limb.values)
    if rng.random() < 0.35 and side != Side.NOT_SEEN:
        # A migrating seizure: starts on one side, moves within it, often crosses over.
        other = Side.RIGHT if side == Side.LEFT else Side.LEFT
        regions = rng.sample(SIDE_REGIONS[side], 2) + [rng.choice(SIDE_REGIONS[other])]
        span = episode.duration_seconds or 120
        times = sorted(rng.randrange(1, span) for _ in range(len(regions) - 1))
        episode.path = [{"region": r, "at_seconds": t} for r, t in zip(regions, [0, *times], strict=True)]
    elif episode.jerking and side != Side.NOT_SEEN and rng.random() < 0.5:
        episode.path = [{"region": SIDE_REGIONS[side][0], "at_seconds": 0}]
    if episode.duration_seconds and episode.duration_seconds > 300:
        episode.rescue_medicine = "Buccal midazolam 2.5 mg"
        episode.rescue_given_at = started_at + timedelta(minutes=5)
    episode.sync_path()
    return episode


def seed_history(child: Child, members: list[User]) -> None:
    """Adds the history and treatments to `child`, ending today in the child's time zone."""
    rng = random.Random(SEED)
    zone = child.zone
    writers = [
        m.user for m in Membership.objects.filter(child=child, user__in=members).select_related("user") if m.can_write
    ] or [None]
    today = child.today()
    first = today - timedelta(days=DAYS - 1)
    now = timezone.now()

    Treatment.objects.bulk_create(
        Treatment(
            child=child,
            kind=kind,
            name=name,
            dose=dose,
            started_on=first + timedelta(days=start),
            stopped_on=first + timedelta(days=stop) if stop is not None else None,
        )
        for kind, name, dose, start, stop, _effect in TREATMENTS
    )

    episodes: list[Episode] = []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        rate = 1.5 + 9.0 * offset / DAYS
        for _kind, _name, _dose, start, stop, effect in TREATMENTS:
            if start <= offset and (stop is None or offset <= stop):
                rate *= effect
        for _ in range(_poisson(rng, rate)):
            # Drawn whatever the hour, so the sequence (and the history) is the same all day.
            episode = _episode(rng, child, _moment(rng, day, zone), rng.choice(writers))
            if episode.started_at < now:
                episodes.append(episode)

    clusters = []
    taps: list[tuple[int, Episode]] = []
    for offset in CLUSTER_DAYS:
        start = _moment(rng, first + timedelta(days=offset), zone)
        at, end = start, start + timedelta(minutes=rng.randrange(60, 200))
        clusters.append(Cluster(child=child, started_at=start, last_at=start))
        while at < min(end, now):
            tap = Episode(child=child, started_at=at, is_tally=True, logged_by=rng.choice(writers), received_at=at)
            taps.append((len(clusters) - 1, tap))
            clusters[-1].last_at = at
            at += timedelta(seconds=rng.randrange(90, 600))
    Cluster.objects.bulk_create(clusters)
    for index, tap in taps:
        tap.cluster = clusters[index]
    Episode.objects.bulk_create([*episodes, *(tap for _index, tap in taps)], batch_size=500)
    DayNote.objects.bulk_create(
        DayNote(child=child, noted_on=first + timedelta(days=offset), kind=kind, temperature_c=temperature, text=text)
        for offset, kind, temperature, text in DAY_NOTES
        if first + timedelta(days=offset) <= today
    )
    _medicines(child, first, writers, now)


def _medicines(child: Child, first: date, writers: list, now: datetime) -> None:
    """Medicines for the medicine treatments, with their dose versions, a weight a month and
    the latest days' doses (mostly given, a few late, skipped or missed). Its own random
    generator, so the seizures above stay the same."""
    rng = random.Random(SEED + 1)
    medicines, versions = [], []
    for treatment in Treatment.objects.for_child(child).exclude(kind__in=NOT_MEDICINES).order_by("started_on"):
        name, form, route, plan = MEDICINES[treatment.kind]
        medicine = Medicine(child=child, treatment=treatment, name=name, form=form, route=route)
        medicines.append(medicine)
        for day, dose, unit, strength, times in plan:
            versions.append(
                DoseVersion(child=child, medicine=medicine, starts_on=first + timedelta(days=day), dose=dose,
                            dose_unit=unit, strength=strength, times=times, set_by=writers[0])
            )  # fmt: skip
    Medicine.objects.bulk_create(medicines)
    DoseVersion.objects.bulk_create(versions)
    Weight.objects.bulk_create(
        Weight(child=child, measured_on=first + timedelta(days=day), kg=f"{4.2 + day / 100:.2f}", logged_by=writers[0])
        for day in range(0, DAYS, 30)
    )
    doses = []
    zone = child.zone
    for medicine in dues.medicines_with_versions(child):
        for due, _version in dues.medicine_slots(medicine, zone, now - timedelta(days=DOSE_DAYS), now):
            roll = rng.random()
            if roll < 0.04:
                continue  # missed
            who = rng.choice(writers)
            if roll < 0.08:
                doses.append(Dose(child=child, medicine=medicine, scheduled_at=due, status="skipped",
                                  reason="Vomited the feed", logged_by=who, received_at=due))  # fmt: skip
                continue
            given_at = min(due + timedelta(minutes=rng.choice([0, 2, 5, 10, 20, 75])), now)
            doses.append(Dose(child=child, medicine=medicine, scheduled_at=due, status="given", given_at=given_at,
                              late=given_at > due + LATE_AFTER, logged_by=who, received_at=given_at))  # fmt: skip
    Dose.objects.bulk_create(doses, batch_size=500)
