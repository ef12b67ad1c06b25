"""Doses missed and extra doses, day by day, for the marks on the frequency chart.

A dose is missed when its due time passed with nothing recorded for it (neither given nor
skipped); an extra dose is one given on purpose after someone else gave the same due dose.
The due times come from each medicine's schedule (`seizures.dues`), the doses from the
database: three queries (the medicines and their versions, then the period's doses),
whatever the history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from caregiver.models import Child
from seizures import dues
from seizures.medicine_models import Dose


@dataclass(frozen=True)
class DoseMarks:
    missed: Counter  # local date -> doses missed that day
    extra: Counter  # local date -> extra doses that day

    @property
    def days(self) -> list[date]:
        return sorted(set(self.missed) | set(self.extra))


def dose_marks(child: Child, start: datetime, end: datetime, now: datetime | None = None) -> DoseMarks:
    """Missed and extra doses due in [start, end) (up to now: a dose not yet due is not missed)."""
    zone = child.zone
    end = min(end, now or timezone.now())
    missed, extra = Counter(), Counter()
    medicines = list(dues.medicines_with_versions(child))
    if not medicines or end <= start:
        return DoseMarks(missed, extra)
    recorded = set()
    doses = Dose.objects.for_child(child).filter(scheduled_at__gte=start, scheduled_at__lt=end)
    for medicine_id, due, is_extra in doses.values_list("medicine_id", "scheduled_at", "extra"):
        if is_extra:
            extra[due.astimezone(zone).date()] += 1
        else:
            recorded.add((medicine_id, due))
    for medicine in medicines:
        for due, _version in dues.medicine_slots(medicine, zone, start, end):
            if (medicine.pk, due) not in recorded:
                missed[due.astimezone(zone).date()] += 1
    return DoseMarks(missed, extra)
