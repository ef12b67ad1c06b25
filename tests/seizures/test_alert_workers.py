"""Real `manage.py sendalerts` processes against a push service stand-in: two at once send
every alert exactly once, and one stopped by SIGTERM mid-run loses and repeats nothing. Runs
on the kind of database the suite runs on (the claim is FOR UPDATE SKIP LOCKED on
PostgreSQL; on SQLite the claim's write lock makes the workers take turns)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.support.push import BrowserKeys, push_service, vapid_keys
from tests.support.scratch import ROOT, env_for, scratch_database

pytestmark = pytest.mark.multiprocess


def worker_env(url: str) -> dict[str, str]:
    public, private = vapid_keys()
    return env_for(url) | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "VAPID_PUBLIC_KEY": public,
        "VAPID_PRIVATE_KEY": private,
        "VAPID_SUBJECT": "mailto:admin@example.com",
    }


def seed(env, count: int, endpoint: str, keys: BrowserKeys) -> None:
    command = [sys.executable, "-m", "tests.support.alert_seed", "seed", str(count), endpoint, keys.p256dh, keys.auth]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=120)


def report(env) -> dict:
    command = [sys.executable, "-m", "tests.support.alert_seed", "report"]
    return json.loads(subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, text=True).stdout)


def sendalerts(env, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "sendalerts", "--poll", "0.2", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def kind() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def test_two_workers_send_every_alert_exactly_once(tmp_path) -> None:
    keys = BrowserKeys()
    with scratch_database(kind(), tmp_path) as url, push_service() as service:
        env = worker_env(url)
        seed(env, 500, service.endpoint("phone"), keys)
        workers = [sendalerts(env), sendalerts(env)]
        wait_for(lambda: len(service.received) >= 500 or any(w.poll() is not None for w in workers))
        # A second send of any alert would reach the stand-in before its worker exits.
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=60) for worker in workers]
        for (_stdout, stderr), worker in zip(outputs, workers, strict=True):
            assert worker.returncode == 0, stderr
        tags = [keys.decrypt(request.body)["tag"] for request in service.received]
        state = report(env)
    assert len(tags) == 500 and len(set(tags)) == 500
    assert state["outcomes"] == {"pushed": 500}
    assert set(state["sent_events"]) == set(tags)
    # What the workers say they finished adds up (each counts only its own).
    finished = [int(stdout.split("Finished ")[1].split()[0]) for stdout, _ in outputs]
    assert sum(finished) == 500


def test_sigterm_mid_run_loses_and_repeats_nothing(tmp_path) -> None:
    keys = BrowserKeys()
    with scratch_database(kind(), tmp_path) as url, push_service(delay=0.02) as service:
        env = worker_env(url)
        seed(env, 120, service.endpoint("phone"), keys)
        worker = sendalerts(env)
        wait_for(lambda: len(service.received) >= 30)
        worker.send_signal(signal.SIGTERM)
        stdout, stderr = worker.communicate(timeout=60)
        assert worker.returncode == 0, stderr
        received_by_then = len(service.received)
        state = report(env)
        assert state["outcomes"].get("pushed") == received_by_then < 120
        assert state["claimed"] == 0  # the rest was given back, not held for the claim's lapse
        rest = sendalerts(env, "--once")
        rest.communicate(timeout=120)
        tags = [keys.decrypt(request.body)["tag"] for request in service.received]
        state = report(env)
    assert len(tags) == 120 and len(set(tags)) == 120
    assert state["outcomes"] == {"pushed": 120}
