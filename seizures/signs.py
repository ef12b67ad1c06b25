"""The sign checklist from the MMPEI fact sheet, defined once.

The model's fields, the forms, the timer, the timeline, the charts and the links to the
education section all read from here. Each sign is one BooleanField on `Episode` named by its
`key` (plus side fields where the sign has a side), so counting a sign is a plain SQL SUM.

Keys are a contract with the charts, the CSV export and the education anchors
(`#sign-<key>`): never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EDUCATION_ARTICLE = "signs"


class Side(models.TextChoices):
    # Whose side: a parent facing the child would otherwise name the mirror image.
    LEFT = "left", _("Child’s left")
    RIGHT = "right", _("Child’s right")
    NOT_SEEN = "not_seen", _("Side not seen")


class Limb(models.TextChoices):
    ARM = "arm", _("Arm")
    LEG = "leg", _("Leg")
    BOTH = "both", _("Arm and leg")
    NOT_SEEN = "not_seen", _("Limb not seen")


class Colour(models.TextChoices):
    BLUE = "blue", _("Blue or grey (lips, face)")
    PALE = "pale", _("Pale")


@dataclass(frozen=True)
class Sign:
    key: str
    label: Promise
    short_label: Promise
    description: Promise
    core: bool
    # Names of the Episode fields that record which side / which limb, when the sign has them.
    side_field: str | None = None
    limb_field: str | None = None

    @property
    def needs_side(self) -> bool:
        return self.side_field is not None

    @property
    def education_url(self) -> str:
        """The sign's explanation in the education section, or "" while that section has no
        such page."""
        article = signs_article_url()
        return f"{article}#sign-{self.key}" if article else ""


def signs_article_url() -> str:
    """The education section's article on the signs, or "" while that section has no such
    page. Resolved on use, never at import, and never by importing `education`."""
    try:
        return reverse("education:article", kwargs={"slug": EDUCATION_ARTICLE})
    except NoReverseMatch:
        return ""


SIGNS: tuple[Sign, ...] = (
    Sign(
        "apnea",
        _("Apnea"),
        _("Apnea"),
        _("Stops breathing for a moment."),
        core=True,
    ),
    Sign(
        "flushing",
        _("Face flushing"),
        _("Flushing"),
        _("Redness and warmth of the face."),
        core=True,
    ),
    Sign(
        "eye_deviation",
        _("Head or eyes turn to one side"),
        _("Eyes turn"),
        _("The eyes, or the head and eyes, turn and stay to one side."),
        core=True,
        side_field="eye_side",
    ),
    Sign(
        "jerking",
        _("Jerking of an arm or leg"),
        _("Jerking"),
        _("Rhythmic jerking of an arm and/or a leg on one side."),
        core=True,
        side_field="jerking_side",
        limb_field="jerking_limb",
    ),
    Sign(
        "twitching",
        _("Eyelid or tongue twitching"),
        _("Twitching"),
        _("Small repeated twitches of the eyelids or the tongue."),
        core=False,
    ),
    Sign(
        "drooling",
        _("Drooling"),
        _("Drooling"),
        _("More saliva than usual running from the mouth."),
        core=False,
    ),
)

SIGN_KEYS: tuple[str, ...] = tuple(sign.key for sign in SIGNS)
CORE_SIGN_KEYS: tuple[str, ...] = tuple(sign.key for sign in SIGNS if sign.core)
BY_KEY: dict[str, Sign] = {sign.key: sign for sign in SIGNS}


@dataclass(frozen=True)
class Observation:
    """Something a parent can see that is not on the checklist. Secondary on every screen."""

    key: str
    label: Promise
    description: Promise


# Yes/no observations, each a BooleanField on Episode named by its key. Colour change is
# separate because it has a kind (`Colour`), stored in `Episode.colour_change`.
OBSERVATIONS: tuple[Observation, ...] = (
    Observation("stillness", _("Sudden stillness or staring"), _("Stopped moving or stared, unresponsive.")),
    Observation("feed_interrupted", _("Feed interrupted"), _("The seizure stopped a feed.")),
    Observation("subtle", _("Subtle — not sure it was a seizure"), _("Logged to be safe; may not be a seizure.")),
    Observation("seen_on_eeg", _("Seen on EEG in hospital"), _("Confirmed on an EEG recording.")),
)
OBSERVATION_KEYS: tuple[str, ...] = tuple(o.key for o in OBSERVATIONS)
COLOUR_FIELD = "colour_change"


class Onset(models.TextChoices):
    """What the child was doing when the seizure began: clinicians weigh seizures from sleep
    apart, and a pattern around feeds can point to a cause."""

    AWAKE = "awake", _("Awake")
    ASLEEP = "asleep", _("Asleep")
    FEEDING = "feeding", _("Feeding")
    UNKNOWN = "unknown", _("Not known")


ONSET_FIELD = "onset"


class SeizureType(models.TextChoices):
    """The ILAE 2017 basic seizure types a parent can tell apart, optional on every seizure."""

    FOCAL_MOTOR = "focal_motor", _("Focal motor")
    FOCAL_NON_MOTOR = "focal_non_motor", _("Focal non-motor")
    FOCAL_TO_BILATERAL = "focal_to_bilateral", _("Focal to bilateral tonic-clonic")
    SPASMS = "epileptic_spasms", _("Epileptic spasms")
    UNKNOWN = "unknown", _("Not sure")


# One short line each, in words a parent uses, shown beside the choice.
SEIZURE_TYPE_HELP: dict[str, Promise] = {
    SeizureType.FOCAL_MOTOR: _(
        "Starts in one part of the body with movement: jerking, stiffening, twitching, the head or eyes turning."
    ),
    SeizureType.FOCAL_NON_MOTOR: _(
        "Starts in one place without movement you can see: staring, going still, "
        "flushing, a change in breathing or colour."
    ),
    SeizureType.FOCAL_TO_BILATERAL: _("Starts on one side, then spreads to both: the whole body stiffens, then jerks."),
    SeizureType.SPASMS: _(
        "Sudden brief bends or stiffenings of the body, arms or legs, often in runs, often on "
        "waking. Spasms can appear later in this disease and change the treatment: tell the "
        "clinician."
    ),
    SeizureType.UNKNOWN: _("You could not tell: that is fine, the signs you ticked help the clinician decide."),
}


class Region(models.TextChoices):
    """Body regions for the migration path: where the seizure showed, in order."""

    LEFT_FACE = "left_face", _("Left face")
    LEFT_ARM = "left_arm", _("Left arm")
    LEFT_LEG = "left_leg", _("Left leg")
    RIGHT_FACE = "right_face", _("Right face")
    RIGHT_ARM = "right_arm", _("Right arm")
    RIGHT_LEG = "right_leg", _("Right leg")
    EYES_HEAD = "eyes_head", _("Eyes or head")
    MOUTH = "mouth", _("Mouth or tongue")
    WHOLE_BODY = "whole_body", _("Whole body")


REGION_KEYS: frozenset[str] = frozenset(Region.values)
# The longest path the app stores; a real seizure rarely moves more than a handful of times.
MAX_PATH_STEPS = 20
