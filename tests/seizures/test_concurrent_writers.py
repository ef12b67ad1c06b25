"""Several processes saving seizures for one child at the same moment, as gunicorn workers
do during a cluster: every save succeeds (no "database is locked" reaches anyone), every
tap is stored once. Runs against the kind of database the suite runs on."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.support.scratch import ROOT, env_for, scratch_database

pytestmark = pytest.mark.multiprocess

WRITERS = 6
TAPS_EACH = 25


def test_simultaneous_writers_all_succeed_and_nothing_is_lost(tmp_path) -> None:
    kind = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with scratch_database(kind, tmp_path) as url:
        env = env_for(url) | {"DJANGO_SETTINGS_MODULE": "tests.settings"}
        run = [sys.executable, "-m", "tests.support.writer"]
        child_id, email = subprocess.run(
            [*run, "seed"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        start_at = str(time.time() + 3)  # all writers start together, after their set-up
        writers = [
            subprocess.Popen(
                [*run, "tap", child_id, email, str(TAPS_EACH), start_at],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(WRITERS)
        ]
        outputs = [writer.communicate(timeout=240) for writer in writers]
        for (stdout, stderr), writer in zip(outputs, writers, strict=True):
            assert writer.returncode == 0, stderr
            assert "database is locked" not in stderr
            assert json.loads(stdout) == [302] * TAPS_EACH
        count = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from seizures.models import Episode; print(Episode.objects.live().count())"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.split()[-1]  # fmt: skip
        assert int(count) == WRITERS * TAPS_EACH
