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
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
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
        such page. Resolved on use, never at import, and never by importing `education`."""
        try:
            return reverse("education:article", kwargs={"slug": EDUCATION_ARTICLE}) + f"#sign-{self.key}"
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
    Observation("asleep_at_onset", _("Asleep when it began"), _("The child was asleep at the start.")),
    Observation("subtle", _("Subtle — not sure it was a seizure"), _("Logged to be safe; may not be a seizure.")),
    Observation("seen_on_eeg", _("Seen on EEG in hospital"), _("Confirmed on an EEG recording.")),
)
OBSERVATION_KEYS: tuple[str, ...] = tuple(o.key for o in OBSERVATIONS)
COLOUR_FIELD = "colour_change"


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
