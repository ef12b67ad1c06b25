"""Scratch databases for tests that need real separate processes (several writers at
once, a move between installations): a SQLite file or a throwaway PostgreSQL database,
migrated by `manage.py` in a subprocess and dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of `kind` ("sqlite" or "postgresql"); yields its URL."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'scratch-{uuid.uuid4().hex[:8]}.sqlite3'}"
        manage(url, "migrate", "--noinput", "-v0")
        yield url
        return
    import psycopg

    name = f"scratch_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {error}")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
        manage(url, "migrate", "--noinput", "-v0")
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def env_for(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return env | {"DATABASE_URL": database_url, "SECRET_KEY": "x" * 64, "HTTPS": "false"}


def manage(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env_for(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
