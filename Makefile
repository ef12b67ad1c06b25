# The two commands of the README. Each sets up a virtual environment from the pinned
# requirements.lock (once, and again when the lock changes), then does its job.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench-charts bench-load

$(VENV)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(PY) -m pytest

# Benchmarks (run by hand, not by the tests): figures go in the README.
bench-charts: $(VENV)/.installed
	$(PY) -m tests.bench.charts

bench-load: $(VENV)/.installed
	$(PY) -m tests.bench.load
