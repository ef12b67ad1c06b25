"""The caregiver tip of the day, for other apps' pages.

Usage from another app (no import of its models needed)::

    from education.tips import tip_for_day
    context["tip"] = tip_for_day(today_in_child_zone)

    {% block head %}{% include "education/_head.html" %}{% endblock %}   {# its stylesheet #}
    {% include "education/_daily_tip.html" %}   {# renders nothing when tip is None #}
"""

from __future__ import annotations

from datetime import date

from caregiver.languages import active_language
from education.models import Tip


def tip_for_day(day: date) -> Tip | None:
    """The published tip for `day` in the reader's language, or None when there are no
    published tips.

    Deterministic: the same day gives the same tip everywhere, and consecutive days walk
    through the tips in their page order, so a family sees each tip before any repeats. Pass
    the date in the child's time zone so the tip changes at the family's midnight.

    Cost: exactly one query, which reads the published tips (a few dozen short rows) and picks
    one in Python; counting then fetching by offset would take two.
    """
    tips = list(
        Tip.objects.published()
        .for_language(active_language())
        .only("language", "slug", "title", "body")
        .order_by("order", "slug")
    )
    if not tips:
        return None
    return tips[day.toordinal() % len(tips)]
