"""The production settings with what a test run needs: a throwaway key and plain HTTP
(the test client and the live server speak HTTP). Other test tweaks live in conftest.py."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 54)
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from caregiver.settings import *  # noqa: E402,F403

# Tests read static files from the apps (no collectstatic step); a dedicated test builds the
# hashed, compressed set the way production does.
STORAGES = STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
