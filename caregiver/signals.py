"""Hooks the other apps fill in, so that `caregiver` never imports them.

- `child_data_export(child)`: each receiver returns `(section_name, json_ready_data)` with
  that app's records of the child, for the user's data export.
- `demo_child_seeded(child, members)`: receivers add believable history to the demo child.
"""

from __future__ import annotations

from django.dispatch import Signal

child_data_export = Signal()
demo_child_seeded = Signal()
