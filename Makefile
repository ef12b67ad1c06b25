# The two commands of the README. Each sets up a virtual environment from the pinned
# requirements.lock (once, and again when the lock changes), then does its job.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

# The browser tests drive Debian's Chromium (never a downloaded browser build): installed here
# when it is missing and apt-get is at hand (with sudo unless root); elsewhere, point
# CHROMIUM_PATH at a Chromium, or the browser tests are skipped with the reason.
CHROMIUM := $(if $(CHROMIUM_PATH),,/usr/bin/chromium)
# The catalog tests compile and extract messages with GNU gettext (Debian's package).
GETTEXT := /usr/bin/msgfmt
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test test-fast bench-charts bench-load

$(VENV)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	@# The alert worker runs beside the web server and stops with it (SIGTERM: it finishes the
	@# alert it is sending). Without VAPID keys its alerts are e-mails, printed here.
	DEBUG=true $(PY) manage.py sendalerts & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed $(CHROMIUM) $(GETTEXT)
	$(PY) -m pytest

# The loop while working: everything but the real-browser, multi-process and slow tests, with
# a tenth of the property-based examples. `make test` before pushing.
test-fast: $(VENV)/.installed
	FUZZ_SHARE=0.1 $(PY) -m pytest -q -m "not browser and not multiprocess and not slow"

/usr/bin/chromium:
	@if command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "No apt-get here: install Chromium and set CHROMIUM_PATH, or the browser tests are skipped."; \
	fi

/usr/bin/msgfmt:
	@if command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's gettext for the translation catalog tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq gettext >/dev/null; \
	else \
	  echo "No apt-get here: install GNU gettext (msgfmt, xgettext) for the catalog tests."; \
	fi

# Benchmarks (run by hand, not by the tests): figures go in the README.
bench-charts: $(VENV)/.installed
	$(PY) -m tests.bench.charts

bench-load: $(VENV)/.installed
	$(PY) -m tests.bench.load
