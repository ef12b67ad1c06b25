"""The production settings with what a test run needs: a throwaway key and plain HTTP
(the test client and the live server speak HTTP). Other test tweaks live in conftest.py."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 54)
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from caregiver.settings import *  # noqa: E402,F403

# On SQLite, tests use a database file of their own (not Django's shared in-memory one): with
# an in-memory database every thread of the live server shares the tests' one connection, so
# a page sending an entry while it polls fails with "database table is locked" — which no
# real server, each request on its own connection, ever sees. One file per test process, so
# two test runs side by side do not meet; Django removes it at the end.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"seizure-log-test-{os.getpid()}.sqlite3")
    }

# Tests read static files from the apps (no collectstatic step); a dedicated test builds the
# hashed, compressed set the way production does.
STORAGES = STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
