"""The write side for the seizure action plan and rescue doses, beside `seizures.recording`
(same rules: the child comes from `caregiver.access.child_for`, each change is audited in
its own transaction, and what the phone sends is saved once by its client UUID).

Plans are never changed in place: saving makes the next version. A rescue dose inside the
medicine's minimum interval, or over its 24-hour maximum, is refused unless the giver
overrides the guard with a reason; one that reaches the server from a phone's outbox (it
was given, whatever the server knows now) is kept and flagged `over_guard` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max

from caregiver import audit
from caregiver.models import Child, User
from seizures import recording
from seizures.models import Episode
from seizures.plan_models import DAY, ActionPlan, RescueDose, RescueMedicine
from seizures.recording import ClientUUIDConflict


# --- The plan -------------------------------------------------------------------------------------
def save_plan(child: Child, user: User, *, plan: ActionPlan, medicines: list[RescueMedicine]) -> ActionPlan:
    """Stores `plan` (validated, unsaved) with its `medicines` as the child's next version.
    The child's row is locked, so two people saving at once make two versions, not one."""
    with transaction.atomic():
        child.lock()
        newest = ActionPlan.objects.for_child(child).aggregate(v=Max("version"))["v"] or 0
        plan.child = child
        plan.version = newest + 1
        plan.saved_by = user
        plan.save()
        for position, medicine in enumerate(medicines):
            medicine.child = child
            medicine.plan = plan
            medicine.position = position
        RescueMedicine.objects.bulk_create(medicines)
        summary = f"Saved the seizure action plan, version {plan.version} ({len(medicines)} rescue medicines)"
        audit.record(user, "create", child=child, obj=plan, summary=summary)
    return plan


# --- The guard -------------------------------------------------------------------------------------
@dataclass
class Guard:
    """What the doses already logged say about one more dose of `medicine` at `given_at`."""

    medicine: RescueMedicine
    given_at: datetime
    nearby: list[RescueDose] = field(default_factory=list)
    too_soon: RescueDose | None = None  # a dose inside the minimum interval
    in_day: int = 0  # doses in the 24 hours before `given_at`

    @property
    def over_max(self) -> bool:
        return self.in_day >= self.medicine.max_per_day

    @property
    def blocks(self) -> bool:
        return self.too_soon is not None or self.over_max

    @property
    def previous(self) -> RescueDose | None:
        """The dose to show: the one too close, else the newest before this one."""
        if self.too_soon is not None:
            return self.too_soon
        before = [d for d in self.nearby if d.given_at <= self.given_at]
        return before[0] if before else None


def guard(child: Child, medicine: RescueMedicine, given_at: datetime) -> Guard:
    """The guard for one more dose of `medicine` at `given_at`, by its rules, counting the
    child's doses of a medicine of that name (from any plan version). One query, whatever
    the history: only doses near `given_at` are read."""
    result = Guard(medicine, given_at)
    interval = timedelta(minutes=medicine.min_interval_minutes)
    reach = max(interval, DAY)
    result.nearby = list(
        RescueDose.objects.for_child(child)
        .of(medicine.name)
        .filter(given_at__gt=given_at - reach, given_at__lt=given_at + interval)
        .select_related("given_by")
        .newest_first()
    )
    close = [d for d in result.nearby if abs(d.given_at - given_at) < interval]
    result.too_soon = min(close, key=lambda d: abs(d.given_at - given_at)) if close else None
    result.in_day = sum(1 for d in result.nearby if given_at - DAY < d.given_at <= given_at)
    return result


# --- Giving a rescue dose ----------------------------------------------------------------------------
@dataclass
class Given:
    """A rescue dose's outcome: `dose` stored (`created` by this call), or refused by `guard`
    (nothing stored: the giver must confirm the override)."""

    dose: RescueDose | None
    guard: Guard | None = None
    created: bool = False

    @property
    def refused(self) -> bool:
        return self.dose is None


def stored_dose(child: Child, key: UUID) -> RescueDose | None:
    dose = RescueDose.objects.filter(client_uuid=key).first()
    if dose is not None and dose.child_id != child.pk:
        raise ClientUUIDConflict
    return dose


def give(
    child: Child,
    user: User,
    *,
    key: UUID,
    medicine: RescueMedicine,
    given_at: datetime,
    episode: Episode | None = None,
    override: bool = False,
    reason: str = "",
    from_phone: bool = False,
) -> Given:
    """Logs a rescue dose of `medicine` (a row of the child's plan), once per client UUID (a
    replay gets the stored dose). The child's row is locked, so two phones giving at once see
    each other's dose. Inside the interval or over the 24-hour maximum the dose is refused
    (nothing stored) unless `override`; sent `from_phone` it is stored with `over_guard` set
    instead. With `episode`, the seizure records the rescue medicine too."""
    existing = stored_dose(child, key)
    if existing is not None:
        return Given(existing)
    try:
        with transaction.atomic():
            child.lock()
            checked = guard(child, medicine, given_at)
            if checked.blocks and not override and not from_phone:
                return Given(None, checked)
            dose = RescueDose.objects.create(
                child=child,
                medicine=medicine,
                medicine_name=medicine.name,
                dose=medicine.label,
                given_at=given_at,
                given_by=user,
                episode=episode,
                override=override and checked.blocks,
                override_reason=reason.strip() if override and checked.blocks else "",
                over_guard=checked.blocks and not override,
                client_uuid=key,
            )
            audit.record(user, "create", child=child, obj=dose, summary=_summary(dose, checked))
            # A phone's clock behind the server's may stamp a dose before the stored start: the
            # dose keeps its seizure, which is not given a rescue time before it began.
            if episode is not None and episode.deleted_at is None and given_at >= episode.started_at:
                recording.give_rescue(child, user, episode.public_id, dose.dose or dose.medicine_name, given_at)
    except IntegrityError:
        # The same dose sent twice at once lost the race on its key: read the winner.
        existing = stored_dose(child, key)
        if existing is None:
            raise
        return Given(existing)
    return Given(dose, checked, created=True)


def _summary(dose: RescueDose, checked: Guard) -> str:
    summary = f"Rescue dose given: {dose.medicine_name}"
    if checked.blocks:
        why = "inside the minimum interval" if checked.too_soon else "over the 24-hour maximum"
        if dose.override:
            summary += f" — guard overridden ({why}): {dose.override_reason}"
        else:
            summary += f" — arrived from a phone over the guard ({why})"
    return summary
