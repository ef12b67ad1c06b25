"""A period of the diary as a FHIR R4 Bundle (type "collection"), streamed.

What a clinic's system can read without our help: the child as a Patient (name and birth date
only — no other identifier leaves the app), one Observation per seizure, one MedicationStatement
per medicine, one Procedure for the ketogenic diet or VNS, and one MedicationAdministration per
rescue dose given during a seizure. Resources are written one at a time from database rows read
in chunks, so memory stays flat at any history length.

Codes: only codes whose meaning we checked are sent; a sign with no code we could stand behind
goes as text, which FHIR allows (CodeableConcept.text).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from django.utils import timezone

from caregiver.models import Child
from seizures.medicine_models import DoseStatus
from seizures.models import Dose, Episode, Treatment, TreatmentKind
from seizures.plan_models import RescueDose
from seizures.signs import OBSERVATIONS, SIGNS, Colour, Limb, Onset, Region, SeizureType, Side

CHUNK = 2000
CONTENT_TYPE = "application/fhir+json; charset=utf-8"

SNOMED = "http://snomed.info/sct"
HPO = "http://purl.obolibrary.org/obo/hp.owl"
UCUM = "http://unitsofmeasure.org"
# The app's own identifiers for its records, so a re-import elsewhere can recognise them.
RECORD_SYSTEM = "urn:ietf:rfc:3986"

# SNOMED CT 91175000 |Seizure (finding)|.
SEIZURE = {"coding": [{"system": SNOMED, "code": "91175000", "display": "Seizure (finding)"}], "text": "Seizure"}

# Sign codes, each checked against its terminology. Signs missing here go as text only.
SIGN_CODES: dict[str, dict[str, str]] = {
    # HPO HP:0002104 |Apnea|.
    "apnea": {"system": HPO, "code": "HP:0002104", "display": "Apnea"},
    # HPO HP:0002307 |Drooling|.
    "drooling": {"system": HPO, "code": "HP:0002307", "display": "Drooling"},
}
COLOUR_CODES: dict[str, dict[str, str]] = {
    # HPO HP:0000961 |Cyanosis|.
    Colour.BLUE: {"system": HPO, "code": "HP:0000961", "display": "Cyanosis"},
    # HPO HP:0000980 |Pallor|.
    Colour.PALE: {"system": HPO, "code": "HP:0000980", "display": "Pallor"},
}
SIDE_CODES: dict[str, dict[str, str]] = {
    # SNOMED CT 7771000 |Left (qualifier value)|.
    Side.LEFT: {"system": SNOMED, "code": "7771000", "display": "Left"},
    # SNOMED CT 24028007 |Right (qualifier value)|.
    Side.RIGHT: {"system": SNOMED, "code": "24028007", "display": "Right"},
}
LIMB_CODES: dict[str, dict[str, str]] = {
    # SNOMED CT 53120007 |Upper limb structure (body structure)|.
    Limb.ARM: {"system": SNOMED, "code": "53120007", "display": "Upper limb structure"},
    # SNOMED CT 61685007 |Lower limb structure (body structure)|.
    Limb.LEG: {"system": SNOMED, "code": "61685007", "display": "Lower limb structure"},
}
# Treatments that are not medicines: a Procedure each, not a MedicationStatement.
PROCEDURES = {TreatmentKind.KETOGENIC_DIET, TreatmentKind.VNS}

EPISODE_FIELDS = [
    "public_id",
    "started_at",
    "duration_seconds",
    "in_progress",
    *(sign.key for sign in SIGNS),
    *(sign.side_field for sign in SIGNS if sign.side_field),
    *(sign.limb_field for sign in SIGNS if sign.limb_field),
    "colour_change",
    *(o.key for o in OBSERVATIONS),
    "onset",
    "seizure_type",
    "path",
    "rescue_medicine",
    "rescue_given_at",
    "is_tally",
    "notes",
]


def _concept(text: str, coding: dict[str, str] | None = None) -> dict:
    return {"coding": [coding], "text": text} if coding else {"text": text}


def _instant(moment: datetime, zone) -> str:
    """A moment with its offset in the child's zone: FHIR needs the offset; the zone's keeps
    the local time readable."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _urn(kind: str, key: UUID | str) -> str:
    """A stable urn:uuid for a record, so the same export twice gives the same references."""
    return f"urn:uuid:{uuid5(UUID(int=0), f'{kind}:{key}')}"


def _entry(full_url: str, resource: dict) -> str:
    return json.dumps({"fullUrl": full_url, "resource": resource}, ensure_ascii=False, separators=(",", ":"))


def patient(child: Child) -> dict:
    return {"resourceType": "Patient", "name": [{"text": child.name}], "birthDate": child.born_on.isoformat()}


@dataclass(frozen=True)
class Parts:
    """Every component a seizure can have, made once per export (in the request's language):
    a seizure's components are then picked, not rebuilt, for each of 100,000 rows."""

    signs: dict[str, dict]
    sides: dict[tuple[str, str], dict]
    limbs: dict[tuple[str, str], dict]
    colours: dict[str, dict]
    observations: dict[str, dict]
    onsets: dict[str, dict]
    types: dict[str, dict]
    regions: dict[str, str]
    step: str


def parts() -> Parts:
    def seen(text: str, coding: dict | None = None) -> dict:
        return {"code": _concept(text, coding), "valueBoolean": True}

    def state(what: str, label) -> dict:
        return {"code": _concept(what), "valueCodeableConcept": _concept(str(label))}

    def which(sign, what: str, choices, codes: dict) -> dict:
        return {
            (sign.key, value): {
                "code": _concept(f"{sign.label}: {what}"),
                "valueCodeableConcept": _concept(str(label), codes.get(value)),
            }
            for value, label in choices
        }

    sides, limbs = {}, {}
    for sign in SIGNS:
        if sign.side_field:
            sides |= which(sign, "side", Side.choices, SIDE_CODES)
        if sign.limb_field:
            limbs |= which(sign, "limb", Limb.choices, LIMB_CODES)
    return Parts(
        signs={sign.key: seen(str(sign.label), SIGN_CODES.get(sign.key)) for sign in SIGNS},
        sides=sides,
        limbs=limbs,
        colours={value: seen(str(label), COLOUR_CODES.get(value)) for value, label in Colour.choices},
        observations={o.key: seen(str(o.label)) for o in OBSERVATIONS},
        # What the child was doing as it began ("not known" is left out), and the parent's
        # ILAE 2017 basic type: as text, the words the parent chose.
        onsets={v: state("Onset state", label) for v, label in Onset.choices if v != Onset.UNKNOWN},
        types={v: state("Seizure type (ILAE 2017, given by the family)", label) for v, label in SeizureType.choices},
        regions={value: str(label) for value, label in Region.choices},
        step="Migration step {number}: {label}",
    )


def _sign_components(row: dict, known: Parts) -> list[dict]:
    components = []
    for sign in SIGNS:
        if not row[sign.key]:
            continue
        components.append(known.signs[sign.key])
        side = row[sign.side_field] if sign.side_field else ""
        if side:
            components.append(known.sides.get((sign.key, side)) or _unlisted(f"{sign.label}: side", side))
        limb = row[sign.limb_field] if sign.limb_field else ""
        if limb:
            components.append(known.limbs.get((sign.key, limb)) or _unlisted(f"{sign.label}: limb", limb))
    if colour := row["colour_change"]:
        components.append(known.colours.get(colour) or _unlisted("Colour change", colour))
    components.extend(known.observations[o.key] for o in OBSERVATIONS if row[o.key])
    for value, parts in ((row["onset"], known.onsets), (row["seizure_type"], known.types)):
        if value in parts:
            components.append(parts[value])
    return components


def _unlisted(what: str, value: str) -> dict:
    """A stored value the checklist no longer lists (a bulk-loaded row): sent as it is."""
    return {"code": _concept(what), "valueString": str(value)}


def _path_components(path: Any, known: Parts) -> list[dict]:
    """The migration path in order: one component a step, its region and, when known, the
    second into the seizure it reached there."""
    steps = [step for step in path if isinstance(step, dict)] if isinstance(path, list) else []
    components = []
    for number, step in enumerate(steps, start=1):
        region = str(step.get("region", ""))
        label = known.regions.get(region, region)
        component: dict[str, Any] = {"code": _concept(known.step.format(number=number, label=label))}
        seconds = step.get("at_seconds")
        if isinstance(seconds, int) and seconds >= 0:
            component["valueQuantity"] = {"value": seconds, "unit": "s", "system": UCUM, "code": "s"}
        else:
            component["valueString"] = label
        components.append(component)
    return components


def _period(row: dict, zone) -> dict:
    """When the seizure happened; the end only when its duration is known."""
    period = {"start": _instant(row["started_at"], zone)}
    if row["duration_seconds"] is not None:
        period["end"] = _instant(row["started_at"] + timedelta(seconds=row["duration_seconds"]), zone)
    return period


def observation(row: dict, subject: str, zone, known: Parts) -> dict:
    """One seizure: its period, duration, signs, migration path and notes."""
    duration = row["duration_seconds"]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": RECORD_SYSTEM, "value": f"urn:uuid:{row['public_id']}"}],
        "status": "preliminary" if row["in_progress"] else "final",
        "code": SEIZURE,
        "subject": {"reference": subject},
        "effectivePeriod": _period(row, zone),
    }
    if duration is not None:
        resource["valueQuantity"] = {"value": duration, "unit": "s", "system": UCUM, "code": "s"}
    components = _sign_components(row, known) + _path_components(row["path"], known)
    if components:
        resource["component"] = components
    notes = [row["notes"]] if row["notes"] else []
    if row["is_tally"]:
        notes.insert(0, "Counted with the one-tap tally during a cluster; no details recorded.")
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def rescue(row: dict, subject: str, seizure: str, zone) -> dict:
    """The rescue medicine given during a seizure. When its time was not recorded, the
    seizure's own period stands for it (given at some point during the seizure)."""
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": {"text": row["rescue_medicine"]},
        "subject": {"reference": subject},
        "reasonReference": [{"reference": seizure}],
    }
    if row["rescue_given_at"]:
        resource["effectiveDateTime"] = _instant(row["rescue_given_at"], zone)
    else:
        resource["effectivePeriod"] = _period(row, zone)
    return resource


def treatment(item: Treatment, subject: str, today: date) -> dict:
    """A medicine as a MedicationStatement; the ketogenic diet and VNS as a Procedure."""
    ongoing = item.stopped_on is None or item.stopped_on >= today
    period = {"start": item.started_on.isoformat()}
    if item.stopped_on is not None:
        period["end"] = item.stopped_on.isoformat()
    concept = {"text": item.label}
    notes = [{"text": text} for text in (item.dose, item.notes) if text]
    if item.kind in PROCEDURES:
        resource = {
            "resourceType": "Procedure",
            "status": "in-progress" if ongoing else "completed",
            "code": concept,
            "subject": {"reference": subject},
            "performedPeriod": period,
        }
    else:
        resource = {
            "resourceType": "MedicationStatement",
            "status": "active" if ongoing else "completed",
            "medicationCodeableConcept": concept,
            "subject": {"reference": subject},
            "effectivePeriod": period,
        }
    if notes:
        resource["note"] = notes
    return resource


def chunks(child: Child, start: datetime, end: datetime) -> Iterator[str]:
    """The Bundle's JSON text in pieces: the Patient and the treatments first, then each
    seizure of [start, end) oldest first (with its rescue dose), CHUNK rows a query read."""
    zone = child.zone
    subject = _urn("patient", child.public_id)
    head = {"resourceType": "Bundle", "type": "collection", "timestamp": _instant(timezone.now(), zone)}
    yield json.dumps(head)[:-1] + ',"entry":[' + _entry(subject, patient(child))
    today = child.today()
    for item in Treatment.objects.for_child(child).order_by("started_on", "pk"):
        yield "," + _entry(_urn("treatment", item.public_id), treatment(item, subject, today))
    known = parts()
    rows = (
        Episode.objects.for_child(child)
        .live()
        .between(start, end)
        .order_by("started_at", "public_id")
        .values(*EPISODE_FIELDS)
    )
    # Seizures whose rescue dose is a dose of the plan (sent below), not only the seizure's note.
    planned = set(
        RescueDose.objects.filter(
            child=child, given_at__gte=start, given_at__lt=end, episode__isnull=False
        ).values_list("episode__public_id", flat=True)
    )
    batch = []
    for row in rows.iterator(chunk_size=CHUNK):
        # The seizure's own id: unique already, and what its identifier says.
        seizure = f"urn:uuid:{row['public_id']}"
        batch.append(_entry(seizure, observation(row, subject, zone, known)))
        if row["rescue_medicine"] and row["public_id"] not in planned:
            batch.append(_entry(_urn("rescue", row["public_id"]), rescue(row, subject, seizure, zone)))
        if len(batch) >= CHUNK:
            yield "," + ",".join(batch)
            batch = []
    if batch:
        yield "," + ",".join(batch)
    for resource_id, resource in _administrations(child, subject, start, end, zone):
        yield "," + _entry(resource_id, resource)
    yield "]}"


def _administrations(child: Child, subject: str, start: datetime, end: datetime, zone) -> Iterator[tuple[str, dict]]:
    """Every dose of the period: the scheduled medicines' (given, or not given with the
    reason) and the rescue doses of the plan (with the seizure they were given for)."""
    doses = (
        Dose.objects.for_child(child)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("medicine")
        .order_by("scheduled_at", "pk")
    )
    for dose in doses.iterator(chunk_size=CHUNK):
        resource: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "status": "completed" if dose.status == DoseStatus.GIVEN else "not-done",
            "medicationCodeableConcept": {"text": dose.medicine.name},
            "subject": {"reference": subject},
            "effectiveDateTime": _instant(dose.given_at or dose.scheduled_at, zone),
        }
        if dose.status != DoseStatus.GIVEN and dose.reason:
            resource["statusReason"] = [{"text": dose.reason}]
        notes = [text for flag, text in ((dose.late, "Given late."), (dose.extra, "An extra dose.")) if flag]
        if notes:
            resource["note"] = [{"text": " ".join(notes)}]
        yield f"urn:uuid:{dose.public_id}", resource
    rescues = (
        RescueDose.objects.filter(child=child, given_at__gte=start, given_at__lt=end)
        .select_related("episode")
        .order_by("given_at", "pk")
    )
    for given in rescues:
        resource = {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": {"text": given.medicine_name},
            "subject": {"reference": subject},
            "effectiveDateTime": _instant(given.given_at, zone),
        }
        if given.dose:
            resource["dosage"] = {"text": given.dose}
        seizure = given.episode
        if seizure is not None and seizure.deleted_at is None and start <= seizure.started_at < end:
            resource["reasonReference"] = [{"reference": f"urn:uuid:{seizure.public_id}"}]
        if given.override or given.over_guard:
            reason = given.override_reason or "Arrived after another dose within the plan's limits."
            resource["note"] = [{"text": f"Given past the action plan's guard: {reason}"}]
        yield f"urn:uuid:{given.public_id}", resource


def outcome(messages: list[str]) -> str:
    """Why a request was refused, as FHIR says it (an OperationOutcome)."""
    issues = [{"severity": "error", "code": "invalid", "diagnostics": str(message)} for message in messages]
    return json.dumps({"resourceType": "OperationOutcome", "issue": issues}, ensure_ascii=False)
