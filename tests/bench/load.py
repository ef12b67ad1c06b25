"""Load benchmark, loopback only: `python -m tests.bench.load` (or `make bench-load`).

Starts the app under gunicorn (several workers) on 127.0.0.1 against a scratch PostgreSQL
database (its name led by SCRATCH_DB_PREFIX when set, for people sharing a server) and,
separately, a scratch SQLite file; then for a fixed time runs simulated caregivers (sign in,
Seizure now, two sign toggles, Seizure ended, +1 taps with some replayed requests, the
timeline) beside clinicians reading charts and reports, and a probe of /healthz. Prints
requests per second, p50/p95/p99 per kind of request, errors, and the episodes the clients
created against those the database holds (lost or duplicated).

The team alerts' worker (`manage.py sendalerts`) runs beside gunicorn: each child has a
watcher who wants "seizure started" on a phone whose push service is a stand-in on
127.0.0.1; every payload it receives is decrypted, and the delay from the seizure's start to
its receipt is reported (p50/p95), with the started alerts lost or duplicated.

Bounded: every client stops at the deadline and after MAX_REQUESTS_PER_CLIENT requests;
nothing is sent anywhere but 127.0.0.1. Run by hand; it is not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-test-passphrase-not-secret"
MAX_REQUESTS_PER_CLIENT = 20_000
# Signing in hashes a password on purpose slowly (PBKDF2); families don't all sign in in the
# same second, so sign-ins ramp up a few at a time before the measured minute starts.
SIGN_INS_AT_ONCE = 2
LOGGING_KINDS = {"start", "toggle", "end", "tally", "tally-replay"}


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    taps: set[str] = field(default_factory=set)  # client UUIDs of +1 taps the server accepted
    timers: set[str] = field(default_factory=set)  # episodes the server opened a timer for
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Browser:
    """One simulated phone: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, results: Results) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.results = results

    def request(self, kind: str, method: str, path: str, form: dict | None = None, expect=(200, 302)):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode(form or {})
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1{path}",
            }
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.results.error(f"{kind} {method} {path}: {error!r}")
            return None, b""
        self.results.add(kind, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status not in expect:
            self.results.error(f"{kind} {method} {path}: HTTP {response.status}")
        return response, content

    def sign_in(self, email: str) -> bool:
        self.request("sign-in", "GET", "/accounts/login/")
        response, _ = self.request("sign-in", "POST", "/accounts/login/", {"username": email, "password": PASSWORD})
        return response is not None and response.status == 302


class Start:
    """Ramp-up, then one shared start: every client signs in (a few at a time), waits for
    the others, and runs until the same deadline."""

    def __init__(self, clients: int, seconds: int) -> None:
        self.gate = threading.Semaphore(SIGN_INS_AT_ONCE)
        self.barrier = threading.Barrier(clients, action=self._begin)
        self.seconds = seconds
        self.started = self.deadline = 0.0

    def _begin(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds

    def signed_in(self, browser: Browser, email: str) -> bool:
        with self.gate:
            ok = browser.sign_in(email)
        if not ok:
            browser.results.error(f"sign-in failed for {email}")
        self.barrier.wait()
        return ok


def caregiver(port: int, email: str, child_id: str, start: Start, results: Results) -> None:
    phone = Browser(port, results)
    if not start.signed_in(phone, email):
        return
    deadline = start.deadline
    home = f"/c/{child_id}/"
    for _round in range(MAX_REQUESTS_PER_CLIENT // 10):
        if time.monotonic() > deadline:
            return
        phone.request("home", "GET", home)
        key = str(uuid.uuid4())
        response, _ = phone.request("start", "POST", f"{home}seizures/start/", {"client_uuid": key})
        timer = response.headers.get("Location", "") if response is not None else ""
        match = re.search(r"/seizures/([0-9a-f-]{36})/timer/", timer)
        if match:
            # Two caregivers of one child tapping together share one timer: count episodes.
            with results.lock:
                results.timers.add(match.group(1))
            episode = f"{home}seizures/{match.group(1)}/timer/"
            phone.request("toggle", "POST", episode + "set/", {"field": "apnea", "value": "on"})
            phone.request("toggle", "POST", episode + "set/", {"field": "jerking_side", "value": "left"})
            phone.request("end", "POST", episode + "end/")
        for tap in range(3):
            key = str(uuid.uuid4())
            response, _ = phone.request("tally", "POST", f"{home}tally/", {"client_uuid": key})
            if response is not None and response.status == 302:
                with results.lock:
                    results.taps.add(key)
            if tap == 0:  # a lost response: the phone sends the same tap again
                phone.request("tally-replay", "POST", f"{home}tally/", {"client_uuid": key})
        phone.request("timeline", "GET", f"{home}seizures/")


def clinician(port: int, email: str, child_ids: list[str], pages: list[str], start: Start, results) -> None:
    desk = Browser(port, results)
    if not start.signed_in(desk, email):
        return
    deadline = start.deadline
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() > deadline:
            return
        child_id = child_ids[n % len(child_ids)]
        page = pages[n % len(pages)]
        desk.request(page.split("/")[0] or "clinician", "GET", f"/c/{child_id}/{page}")


def probe(port: int, start: Start, results: Results) -> None:
    check = Browser(port, results)
    start.barrier.wait()
    while time.monotonic() < start.deadline:
        check.request("healthz", "GET", "/healthz", expect=(200,))
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def seed(children: int, caregivers: int, clinicians: int, endpoint: str, keys) -> tuple[list, list]:
    """Families with a few months of history each, each with a watcher whose phone (at
    `endpoint`, with `keys`) gets "seizure started"; returns (caregivers, clinicians) as
    (email, child ids) pairs."""
    from datetime import date, timedelta

    from django.utils import timezone

    from caregiver.models import Child, Membership, Role, User
    from seizures.models import AlertPreference, Episode, PushSubscription

    def user(email: str) -> User:
        account = User(email=email)
        account.set_password(PASSWORD)
        return account

    people, kids = [], []
    now = timezone.now()
    for c in range(children):
        child = Child.objects.create(name=f"Child {c}", born_on=date(2025, 1, 1), time_zone="Europe/London")
        kids.append(child)
        Episode.objects.bulk_create(
            Episode(child=child, started_at=now - timedelta(hours=3 * i), duration_seconds=60 + i % 300)
            for i in range(800)
        )
        watcher = user(f"watcher{c}@load.test")
        watcher.save()
        membership = Membership.objects.create(user=watcher, child=child, role=Role.CAREGIVER)
        AlertPreference.objects.create(membership=membership, started=True, threshold=False, rescue=False)
        PushSubscription.objects.create(user=watcher, endpoint=f"{endpoint}{c}", p256dh=keys.p256dh, auth=keys.auth)
    per_child = max(1, caregivers // children)
    for n in range(caregivers):
        account = user(f"caregiver{n}@load.test")
        account.save()
        child = kids[(n // per_child) % children]
        Membership.objects.create(user=account, child=child, role=Role.OWNER if n % per_child == 0 else "caregiver")
        people.append((account.email, str(child.public_id)))
    desks = []
    for n in range(clinicians):
        account = user(f"clinician{n}@load.test")
        account.save()
        mine = [kids[n % children], kids[(n + 1) % children]]
        for child in mine:
            Membership.objects.create(user=account, child=child, role=Role.CLINICIAN)
        desks.append((account.email, [str(k.public_id) for k in mine]))
    return people, desks


def clinician_pages() -> list[str]:
    """The chart and report pages, found by URL name so the benchmark follows the URLconf."""
    from django.urls import NoReverseMatch, reverse

    pages = []
    for name in ("seizures:charts", "seizures:report"):
        try:
            pages.append(reverse(name, kwargs={"child_id": uuid.UUID(int=0)}).split(str(uuid.UUID(int=0)))[1][1:])
        except NoReverseMatch:
            continue
    return pages or ["seizures/"]


def run(database: str, args) -> dict:
    from tests.support.push import BrowserKeys, push_service, vapid_keys

    with push_service() as pushes:
        return _run(database, args, pushes, BrowserKeys(), vapid_keys())


def _run(database: str, args, pushes, keys, vapid: tuple[str, str]) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    scratch = None
    if database == "postgres":
        import psycopg

        scratch = f"{os.environ.get('SCRATCH_DB_PREFIX', '')}load_{secrets.token_hex(5)}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{scratch}"
    else:
        url = f"sqlite:///{workdir / 'load.sqlite3'}"
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        "AXES_FAILURE_LIMIT": "1000",
        "VAPID_PUBLIC_KEY": vapid[0],
        "VAPID_PRIVATE_KEY": vapid[1],
        "VAPID_SUBJECT": "mailto:load@load.test",
    }
    # One database per process (main() starts one per database), so Django is set up once.
    os.environ.update(env | {"DJANGO_SETTINGS_MODULE": "caregiver.settings"})
    import django

    django.setup()
    from django.db import connections

    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    caregivers, clinicians = seed(args.children, args.caregivers, args.clinicians, pushes.endpoint("child"), keys)
    pages = clinician_pages()
    connections["default"].close()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "caregiver.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen([*manage, "sendalerts"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    results = Results()
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        from seizures.models import Episode

        before = Episode.objects.count()
        connections["default"].close()
        start = Start(1 + len(caregivers) + len(clinicians), args.seconds)
        threads = [threading.Thread(target=probe, args=(port, start, results))]
        threads += [threading.Thread(target=caregiver, args=(port, e, c, start, results)) for e, c in caregivers]
        threads += [
            threading.Thread(target=clinician, args=(port, e, cs, pages, start, results)) for e, cs in clinicians
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start.started
        measured = sum(len(v) for k, v in results.latencies.items() if k != "sign-in")
        # Let the worker send what the last seizures queued.
        from seizures.models import Alert

        drain_by = time.monotonic() + 30
        while Alert.objects.filter(kind="started", outcome="").exists() and time.monotonic() < drain_by:
            time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        worker.terminate()
        worker.wait(timeout=30)

    expected = len(results.taps) + len(results.timers)
    stored = Episode.objects.filter(client_uuid__in=list(results.taps)).count()
    stored += Episode.objects.filter(public_id__in=list(results.timers)).count()
    new = Episode.objects.count() - before
    alerts = _alert_delays(pushes, keys, results.timers)
    connections["default"].close()
    if scratch:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')
    shutil.rmtree(workdir, ignore_errors=True)

    total = sum(len(v) for v in results.latencies.values())
    kinds = {
        kind: {
            "n": len(values),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
        }
        for kind, values in sorted(results.latencies.items())
    }
    logging_p95 = max((kinds[k]["p95_ms"] for k in LOGGING_KINDS if k in kinds), default=float("nan"))
    healthz_p95 = kinds.get("healthz", {}).get("p95_ms", float("nan"))
    return {
        "database": database,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": total,
        "rps_after_sign_in": round(measured / elapsed, 1),
        "errors": len(results.errors),
        "first_errors": results.errors[:5],
        "episodes_created_by_clients": expected,
        "episodes_found_in_db": stored,
        "episodes_new_in_db": new,
        "lost": expected - stored,
        "duplicated": new - expected,
        "logging_p95_over_healthz_p95": round(logging_p95 / healthz_p95, 2),
        "alerts": alerts,
        "kinds": kinds,
    }


def _alert_delays(pushes, keys, timers: set[str]) -> dict:
    """From each seizure's start to the push stand-in's receipt of its "started" alert."""
    from seizures.models import Episode

    starts = dict(Episode.objects.filter(public_id__in=list(timers)).values_list("public_id", "started_at"))
    tags, delays = [], []
    for received in pushes.received:
        tag = keys.decrypt(received.body)["tag"]
        tags.append(tag)
        started_at = starts.get(uuid.UUID(tag.split(":", 1)[1]))
        if started_at is not None:
            delays.append(received.at - started_at.timestamp())
    return {
        "expected": len(timers),
        "received": len(tags),
        "lost": len(timers - {tag.split(":", 1)[1] for tag in tags}),
        "duplicated": len(tags) - len(set(tags)),
        "delay_p50_ms": round(percentile(delays, 50) * 1000) if delays else None,
        "delay_p95_ms": round(percentile(delays, 95) * 1000) if delays else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=60)
    # Issue 18's target: 100 caregivers and 10 clinicians at once.
    parser.add_argument("--caregivers", type=int, default=100)
    parser.add_argument("--children", type=int, default=10)
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if args.database != "both":
        print(json.dumps(run(args.database, args)), flush=True)
        return
    for database in ("postgres", "sqlite"):
        command = [sys.executable, "-m", "tests.bench.load", "--database", database]
        for name in ("seconds", "caregivers", "children", "clinicians", "workers"):
            command += [f"--{name}", str(getattr(args, name))]
        subprocess.run(command, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
