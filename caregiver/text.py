"""The one rule for text the app stores: no NUL character and no unpaired UTF-16 surrogate.

PostgreSQL refuses U+0000 in text, and neither database can store a lone surrogate (it has
no UTF-8 form). JSON can carry both ("\\u0000", "\\ud800"), so the sync endpoint, the forms
(through `StorableTextForm`) and the imports all check text by this rule before anything is
saved. NUL is refused on SQLite too, so a family's export always loads into PostgreSQL.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def validate_storable_text(value: object) -> None:
    """ValidationError (code "unstorable") when `value` is text holding a character that
    cannot be stored."""
    if isinstance(value, str) and not storable(value):
        raise ValidationError(
            _("This text holds a character that cannot be stored (a null character or a broken one). Retype it."),
            code="unstorable",
        )


class StorableTextForm:
    """Form mixin: every text field of the form follows the rule (in place of Django's own
    null-character check, so a NUL gets one message, not two)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [validate_storable_text]
