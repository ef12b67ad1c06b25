"""The map of the seizures app holds: one module writes (seizures/recording.py, with its
siblings for the diary's days, seizures/recording_days.py, for medicines and doses,
seizures/recording_medicines.py, for the action plan and rescue doses,
seizures/recording_plan.py, and for the team alerts, seizures/recording_alerts.py), the read
side (seizures/reports/) never imports it, and caregiver never imports the other apps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Writes outside the write module: a backup restored whole, the demo family's history.
BULK_LOADERS = {"seizures/backup.py", "seizures/demo.py"}
WRITE_CALL = re.compile(r"\.save\(|\.(create|bulk_create|get_or_create|update_or_create)\(|\.delete\(\)")


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def test_only_the_write_module_creates_or_changes_seizure_records() -> None:
    writers = set()
    for path in sources("seizures"):
        name = str(path.relative_to(ROOT))
        code = "\n".join(line for line in path.read_text().splitlines() if "super().save(" not in line)
        if WRITE_CALL.search(code) and name not in BULK_LOADERS:
            writers.add(name)
    assert writers == {
        "seizures/recording.py",
        "seizures/recording_days.py",
        "seizures/recording_medicines.py",
        "seizures/recording_plan.py",
        "seizures/recording_alerts.py",
    }


def test_the_read_side_never_imports_the_write_side() -> None:
    assert sources("seizures/reports")
    for path in sources("seizures/reports"):
        assert not {n for n in imports(path) if n.startswith(("seizures.recording", "seizures.outbox"))}, path


def test_caregiver_never_imports_or_names_the_other_apps() -> None:
    for path in sources("caregiver"):
        assert not {n for n in imports(path) if n.startswith(("seizures", "education"))}, path
    # Nor their URL names or static files: each app declares those itself (its AppConfig).
    for path in (ROOT / "caregiver").rglob("*"):
        if path.suffix in {".py", ".html", ".js"} and "migrations" not in path.parts:
            assert not re.search(r"""["'](seizures|education)[:/]""", path.read_text()), path
