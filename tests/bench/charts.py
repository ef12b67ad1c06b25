"""Charts benchmark: `python -m tests.bench.charts` (or `make bench-charts`).

Builds a scratch database (a temporary SQLite file; with DATABASE_URL pointing at PostgreSQL,
a new database on that server, dropped at the end: never the developer's own; its name
starts with SCRATCH_DB_PREFIX when set, for people sharing a server), gives one
child 1,000, then 10,000, then 100,000 seizures spread over three years, written in time
order among three other children's 10,000 each, and for each size times, with the period
set to "all":

- `chart_page_ms`: GET of the chart page by a signed-in parent (the Django test client);
- `report_page_ms`: GET of the printable report;
- `csv_ms`: the CSV export, read to the end;
- `csv_floor_ms`: the CSV's own query through a bare cursor, written by csv.writer to a null
  sink (`csv_ratio`: csv_ms / csv_floor_ms);
- `fhir_ms`: the FHIR R4 export, read to the end (`fhir_per_csv`: fhir_ms / csv_ms);
- `floor_ms`: a bare SQL count per day over the same rows (the child's live episodes in the
  period, grouped by their UTC date: no time zone at all, so the cheapest honest count);
- `ratio`: chart_page_ms / floor_ms (and `report_ratio`: report_page_ms / floor_ms);
- `fixed_ms`: chart_page_ms - floor_ms, what the page costs beyond counting its rows (at
  1,000 seizures nearly all of it is per page and per day, whatever the history);
- `charts_js_bytes_br`: the scripts the chart page loads, each brotli-compressed as the
  production build serves them (whitenoise, quality 11), added up.

Each figure is the median of several runs after a warm-up, the runs interleaved so a busy
machine slows every figure alike. One JSON line per size. Targets: at 100,000 ratio <= 3 and
report_ratio <= 5, at 1,000 fixed_ms <= 40. Bounded: a fixed number of runs, about three
minutes in all.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
OTHER_CHILDREN, OTHER_EPISODES = 3, 10_000
YEARS = 3


def scratch_database() -> tuple[str, callable]:
    """A DATABASE_URL of our own, and how to remove it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"{os.environ.get('SCRATCH_DB_PREFIX', '')}bench_charts_{secrets.token_hex(4)}"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return url.rsplit("/", 1)[0] + f"/{name}", drop
    folder = Path(tempfile.mkdtemp(prefix="bench-charts-"))
    return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: shutil.rmtree(folder, ignore_errors=True)


def episodes_for(child, count: int, end: datetime, rng: random.Random, logged_by) -> list:
    """`count` believable seizures over the three years before `end`, oldest first, growing
    more frequent over time (as MMPEI does): durations mostly known, signs, sides, some
    migration, some rescue medicine, some "+1" taps."""
    from seizures.models import Episode

    span = YEARS * 365 * 86400
    # sqrt of a uniform number: density rising linearly towards the present.
    offsets = sorted(span * rng.random() ** 0.5 for _ in range(count))
    start = end - timedelta(seconds=span)
    regions = ["left_arm", "left_leg", "left_face", "right_arm", "right_leg", "right_face", "eyes_head"]
    made = []
    for offset in offsets:
        when = start + timedelta(seconds=offset)
        if rng.random() < 0.15:
            made.append(Episode(child=child, started_at=when, is_tally=True, logged_by=logged_by))
            continue
        jerking, eyes = rng.random() < 0.6, rng.random() < 0.4
        path = []
        if rng.random() < 0.3:
            path = [{"region": r, "at_seconds": 20 * n} for n, r in enumerate(rng.sample(regions, rng.randint(2, 3)))]
        episode = Episode(
            child=child,
            started_at=when,
            duration_seconds=None if rng.random() < 0.1 else int(min(3600, 5 + rng.expovariate(1 / 90))),
            apnea=rng.random() < 0.3,
            flushing=rng.random() < 0.45,
            eye_deviation=eyes,
            eye_side=rng.choice(["left", "right", "not_seen"]) if eyes else "",
            jerking=jerking,
            jerking_side=rng.choice(["left", "right", "not_seen"]) if jerking else "",
            jerking_limb=rng.choice(["arm", "leg", "both", "not_seen"]) if jerking else "",
            twitching=rng.random() < 0.25,
            drooling=rng.random() < 0.2,
            path=path,
            rescue_medicine="Buccal midazolam 2.5 mg" if rng.random() < 0.02 else "",
            notes="Woke from sleep" if rng.random() < 0.05 else "",
            logged_by=logged_by,
        )
        episode.sync_path()
        made.append(episode)
    return made


def analyse() -> None:
    """Fresh planner statistics, as autovacuum (or ANALYZE) keeps them in a running database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE seizures_episode" if connection.vendor == "postgresql" else "ANALYZE")


def floor_sql(child, start: datetime, end: datetime) -> tuple[str, list]:
    from django.db import connection

    # The UTC date: SQLite stores UTC text, and Django runs PostgreSQL sessions in UTC.
    day = "date(started_at)" if connection.vendor == "sqlite" else "started_at::date"
    sql = (
        f"SELECT {day}, COUNT(*) FROM seizures_episode"
        " WHERE child_id = %s AND deleted_at IS NULL AND started_at >= %s AND started_at < %s GROUP BY 1"
    )
    return sql, [child.pk, *(connection.ops.adapt_datetimefield_value(value) for value in (start, end))]


class _Null:
    def write(self, value: str) -> None:
        pass


def scripts_bytes_br(html: str) -> int:
    """The chart page's own scripts, as the browser downloads them in production."""
    import brotli
    from django.contrib.staticfiles import finders

    total = 0
    for src in re.findall(r'<script[^>]* src="/static/([^"?]+)"', html):
        total += len(brotli.compress(Path(finders.find(src)).read_bytes(), quality=11))
    return total


def measure(child, client, runs: int) -> dict:
    from django.db import connection

    from seizures.models import local_midnight
    from seizures.reports import stats

    began = stats.diary_began_on(child)
    today = child.today()
    start, end = local_midnight(began, child.zone), local_midnight(today + timedelta(days=1), child.zone)
    sql, params = floor_sql(child, start, end)
    base = f"/c/{child.public_id}/"

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    from seizures.reports import csv_export

    csv_sql, csv_params = csv_export.episode_rows(child, start, end).query.sql_with_params()

    def csv_floor() -> None:
        """The CSV's own query through a bare cursor, each row written by csv.writer to a
        sink that keeps nothing: what the export cannot beat."""
        writer = csv.writer(_Null())
        with connection.cursor() as cursor:
            cursor.execute(csv_sql, csv_params)
            while rows := cursor.fetchmany(2000):
                writer.writerows(rows)

    def page(path: str):
        def get() -> None:
            response = client.get(base + path)
            assert response.status_code == 200, (path, response.status_code)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass

        return get

    timed = {
        "floor_ms": floor,
        "chart_page_ms": page("charts/?period=all"),
        "report_page_ms": page("report/?period=all"),
        "csv_ms": page("export.csv?period=all"),
        "csv_floor_ms": csv_floor,
        "fhir_ms": page("fhir/?period=all"),
    }
    samples: dict[str, list[float]] = {key: [] for key in timed}
    for run in range(runs + 2):  # the first two warm up caches and connections
        for key, work in timed.items():
            started = time.perf_counter()
            work()
            if run >= 2:
                samples[key].append((time.perf_counter() - started) * 1000)
    return {key: round(statistics.median(values), 1) for key, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure after two warm-ups")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()

    url, remove = scratch_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.test import Client

        from caregiver.models import Child, Membership, Role, User
        from seizures.models import Episode, Treatment, TreatmentKind

        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(20260301)
        now = datetime.now(UTC).replace(microsecond=0)
        today = now.date()
        owner = User.objects.create_user("bench@example.com", secrets.token_urlsafe(16), name="Bench")
        born = today - timedelta(days=YEARS * 365 + 60)

        def add_child(name: str) -> Child:
            child = Child.objects.create(name=name, born_on=born, time_zone="Europe/London")
            Membership.objects.create(user=owner, child=child, role=Role.OWNER)
            return child

        child = add_child("Robin")
        neighbours = [add_child(f"Neighbour {n}") for n in range(OTHER_CHILDREN)]
        for n, kind in enumerate([TreatmentKind.PHENYTOIN, TreatmentKind.QUINIDINE, TreatmentKind.KETOGENIC_DIET]):
            started = today - timedelta(days=900 - 300 * n)
            stopped = started + timedelta(days=200) if n < 2 else None
            Treatment.objects.create(child=child, kind=kind, started_on=started, stopped_on=stopped)

        client = Client()
        client.force_login(owner)
        others = f"{OTHER_CHILDREN} other children x {OTHER_EPISODES}"
        print(f"# {connection.vendor}, {YEARS} years, {others}", file=sys.stderr)
        for size in args.sizes:
            # Every family's seizures written in time order, as a shared server would: the
            # child's rows are spread among the others' on disk, not packed together.
            everyone = episodes_for(child, size, now, rng, owner)
            for other in neighbours:
                everyone += episodes_for(other, OTHER_EPISODES, now, rng, owner)
            everyone.sort(key=lambda episode: episode.started_at)
            Episode.objects.all().delete()
            with transaction.atomic():
                Episode.objects.bulk_create(everyone, batch_size=5000)
            # A server's worker holds no such list: kept, its objects would make every full
            # garbage collection during the pages measured below slow.
            del everyone
            gc.collect()
            analyse()
            figures = measure(child, client, args.runs)
            reported = ("chart_page_ms", "report_page_ms", "csv_ms", "csv_floor_ms", "fhir_ms", "floor_ms")
            line = {"n": size, **{k: figures[k] for k in reported}}
            line["ratio"] = round(figures["chart_page_ms"] / figures["floor_ms"], 2)
            line["fixed_ms"] = round(figures["chart_page_ms"] - figures["floor_ms"], 1)
            line["report_ratio"] = round(figures["report_page_ms"] / figures["floor_ms"], 2)
            line["csv_ratio"] = round(figures["csv_ms"] / figures["csv_floor_ms"], 2)
            line["fhir_per_csv"] = round(figures["fhir_ms"] / figures["csv_ms"], 2)
            line["charts_js_bytes_br"] = scripts_bytes_br(
                client.get(f"/c/{child.public_id}/charts/?period=all").content.decode()
            )
            line["database"] = connection.vendor
            print(json.dumps(line), flush=True)
    finally:
        remove()


if __name__ == "__main__":
    main()
