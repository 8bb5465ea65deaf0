# cchc: set-up, run, tests and checks.
#
#   make run    set everything up, load the demo data, start worker + web
#   make test   set everything up and run the whole test suite
#
# With nothing set the app runs on the embedded default (SQLite and kombu's
# filesystem broker under var/); DATABASE_URL and REDIS_URL switch to
# PostgreSQL and Redis. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# The interpreter that creates .venv: Python 3.11 where it is on the PATH.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
VAR_DIR := $(or $(CCHC_VAR_DIR),var)

# Installs are redone only when what they install from changes: each stamp is
# named for a hash of its inputs, so editing, reverting or switching branches
# all do the right thing whatever the files' dates.
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt 2>/dev/null | sha256sum | cut -c1-16)
NPM_HASH := $(shell cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
REQ_STAMP := $(VENV)/.cchc-requirements-$(REQ_HASH)
NPM_STAMP := node_modules/.cchc-npm-$(NPM_HASH)

# Debian packages: WeasyPrint's font subsetting and gettext at run time;
# poppler (pdftotext, pdffonts, pdfsig) and headless Chromium for the tests.
RUNTIME_DEBS := libharfbuzz-subset0 gettext
TEST_DEBS := poppler-utils chromium chromium-driver

.PHONY: help setup deps system-deps test-deps run test lint format check browser-deps bench-documents bench-indicators bench-dashboards bench-units bench-latency bench-uploads bench-par clean

help:
	@echo "make run           set up, load demo data, start the worker and http://127.0.0.1:8000/"
	@echo "make test          set up and run the whole test suite (extra args: PYTEST_ARGS='...')"
	@echo "make lint          ruff check, ruff format --check and the import contracts (lint-imports)"
	@echo "make format        ruff format and ruff check --fix"
	@echo "make check         makemigrations --check and check --deploy with production settings"
	@echo "make setup         only the set-up: .venv, node_modules, messages, migrate, collectstatic"
	@echo "make browser-deps  install chromium and chromium-driver (make test does it too)"
	@echo "make bench-documents  benchmark: render + sign a notice vs LibreOffice"
	@echo "make bench-indicators benchmark: indicator import/export vs openpyxl reading"
	@echo "make bench-dashboards benchmark: dashboards on the national data set (PostgreSQL)"
	@echo "make bench-units      benchmark: load the 34 provinces' official units twice (PostgreSQL)"
	@echo "make bench-par        benchmark: PAR index of 3,321 communes x ~100 sub-criteria (PostgreSQL)"
	@echo "make bench-latency    benchmark: Issue click to signed PDF link, embedded and Redis"
	@echo "make bench-uploads    benchmark: cell bomb and zip bomb refused, beside reading a province workbook"

$(PY):
	@v=$$("$(PYTHON)" -c 'import sys; print("%d%02d" % sys.version_info[:2])'); \
	if [ "$$v" -lt 311 ]; then echo "cchc needs Python >= 3.11; $(PYTHON) is too old." >&2; exit 1; fi
	"$(PYTHON)" -m venv $(VENV)

$(REQ_STAMP): | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	rm -f $(VENV)/.cchc-requirements-*
	touch $@

$(NPM_STAMP):
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What lint and check need: the Python packages and the front-end assets
# (STATICFILES_DIRS points into node_modules).
deps: $(REQ_STAMP) $(NPM_STAMP)

system-deps:
	bin/system-deps $(RUNTIME_DEBS)

test-deps:
	bin/system-deps $(TEST_DEBS)

setup: system-deps deps
	mkdir -p "$(VAR_DIR)/log" "$(VAR_DIR)/celery/queue" "$(VAR_DIR)/celery/processed"
	@# Compile translations once a locale folder exists (msgfmt comes from gettext).
	@if [ -n "$$(find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./$(VAR_DIR) \) -prune \
	      -o -type d -name locale -print -quit)" ]; then \
	  echo "$(MANAGE) compilemessages"; \
	  $(MANAGE) compilemessages --verbosity 0 --ignore=$(VENV) --ignore=node_modules --ignore=$(VAR_DIR); \
	fi
	$(MANAGE) migrate --noinput --verbosity 1
	$(MANAGE) collectstatic --noinput --verbosity 0

run: setup
	bin/run

# pytest exits 5 when it collected no test; that is accepted only while tests/
# holds no test file at all, so that a broken collection can never pass.
test: setup test-deps
	@echo "$(PY) -m pytest $(PYTEST_ARGS)"
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ "$$rc" -eq 5 ] && [ -z "$$(find tests -name 'test_*.py' -print -quit 2>/dev/null)" ]; then \
	  echo "No test files under tests/ yet: nothing to run."; rc=0; \
	fi; \
	exit $$rc

lint: $(REQ_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(REQ_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: deps
	bin/check-deploy

# Headless Chromium and its driver from Debian, for tests marked `browser`
# (make test installs them too).
browser-deps:
	bin/system-deps chromium chromium-driver

# Benchmark of official documents: render + sign the seed-000 notice, beside
# LibreOffice headless (installed here, for the benchmark only).
bench-documents: setup
	bin/system-deps libreoffice-writer-nogui poppler-utils
	$(PY) bench/documents_bench.py

# Benchmark of indicator import and export against openpyxl's own read time.
bench-indicators: setup
	$(PY) bench/indicators_bench.py

# Benchmark of the leaders' dashboards on the national data set, in a
# PostgreSQL database of its own (BENCH_DATABASE_URL; created here, filled by
# generate_demo_data --scale national on the first run, kept for the next).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cchc_dash
bench-dashboards: setup
	$(PY) bin/ensure-database "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/dashboard_bench.py

# Benchmark of loading the official units of all 34 provinces with their
# pre-2025 trees and successions, twice, in a PostgreSQL database of its own
# (UNITS_BENCH_DATABASE_URL; created here, its unit tables emptied each run).
UNITS_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cchc_units
bench-units: setup
	$(PY) bin/ensure-database "$(UNITS_BENCH_DATABASE_URL)"
	DATABASE_URL="$(UNITS_BENCH_DATABASE_URL)" $(PY) bench/units_bench.py

# Benchmark of the PAR index at national size (3,321 communes, ~100
# sub-criteria), in a PostgreSQL database of its own (PAR_BENCH_DATABASE_URL;
# created here, filled on the first run and kept for the next).
PAR_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cchc_parbench
bench-par: setup
	$(PY) bin/ensure-database "$(PAR_BENCH_DATABASE_URL)"
	DATABASE_URL="$(PAR_BENCH_DATABASE_URL)" $(PY) bench/par_bench.py

# Benchmark of the wait the inspector feels: from the Issue click to the
# signed PDF's link on the page (polling the job as the page does), on the
# embedded default and, when a Redis server answers at BENCH_REDIS_URL, on
# Redis; beside the bare render + sign time.
bench-latency: setup
	$(PY) bench/latency_bench.py

# Benchmark of hostile workbooks: the cell bomb and a zip bomb refused (time
# and peak memory, each in a child process), beside reading a province's.
bench-uploads: setup
	$(PY) bench/upload_bench.py

# Removes what the set-up made; var/ (the SQLite database, media) is kept.
clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
