"""The language a page is being made in, as one of the site's own (settings.LANGUAGES)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language, get_supported_language_variant


def active_language() -> str:
    """The active language reduced to one the site offers ("es-MX" reads Spanish); the
    default when none is active or it is not offered."""
    try:
        return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE
