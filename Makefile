# Sulah developer commands. On a fresh Debian machine: `make run` (the local stack) and `make test`.
# Everything they need (Debian packages, .venv, the package itself) is installed on first use, from
# the lock file uv.lock (exact versions, hashes checked), never from pyproject.toml's ranges.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# uv itself, pinned with hashes in requirements/uv.txt, lives in a small venv of its own.
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# Byte-compile the locked packages once at install, and let Python cache the project's own modules
# (and pytest its rewritten test modules): otherwise every test worker, every worker process and
# every CLI call compiles some 2,500 modules again (about 5 s of CPU each time).
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

# What each goal installs: running needs the runtime only; tests and lint need the test and dev
# extras (one environment for both, so `make test` and `make lint` do not uninstall each other's tools).
TEST_EXTRAS := test dev

SULAH_PORT ?= 5000
export SULAH_PORT
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(SULAH_PORT)
export PYTHONUNBUFFERED := 1
# The embedded development stack: /dev/outbox, plain-HTTP cookies. Deployments set production (the default).
export SULAH_ENV ?= development
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run run-scaled test test-latest lint lock install install-test system-deps migrate seed \
        worker-ping lock-check translations messages

help:
	@echo "make run          install the runtime from the lock, migrate, seed demo data, start web + worker + mail sink"
	@echo "make run-scaled   the production topology here: PostgreSQL, Redis, 2 gunicorns, a worker per queue, beat"
	@echo "make test         the test suite on SQLite, then on PostgreSQL (ARGS='...' passes pytest arguments)"
	@echo "make lint         ruff and lint-imports (the package boundaries in pyproject.toml)"
	@echo "make lock         re-resolve uv.lock to the newest versions pyproject.toml allows (PACKAGE=x: only x)"
	@echo "make test-latest  the SQLite pass in a throwaway venv with the newest versions the ranges allow"
	@echo "make worker-ping  send a task through the broker and wait for the worker's answer"

run: install migrate seed
	@echo "Sulah on http://127.0.0.1:$(SULAH_PORT)  (mail: http://127.0.0.1:$(SULAH_PORT)/dev/outbox; Ctrl-C stops all)"
	@# honcho answers Ctrl-C by stopping every process and exiting 130: a clean stop, not an error.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile start || [ $$? -eq 130 ]

# The production topology on this machine (README, "Deployment"): PostgreSQL and Redis, two gunicorn
# processes, a Celery worker per queue, one beat, the mail sink (Procfile.scaled). SULAH_PORT2 is the
# second web port; DATABASE_URL and SULAH_REDIS_URL point elsewhere than 127.0.0.1.
run-scaled: install
	BIN=$(BIN) scripts/run-scaled.sh || [ $$? -eq 130 ]

test: install-test
	scripts/system-deps.sh --browser
	PYTEST=$(BIN)/pytest scripts/test-passes.sh $(ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# --locked: install exactly what uv.lock says, and fail if pyproject.toml changed without `make lock`.
# The runtime install is --inexact so that `make run` after `make test` keeps the test tools.
install: system-deps $(UV)
	$(UV) sync --locked --inexact
	$(MAKE) --no-print-directory translations

install-test: $(UV)
	scripts/system-deps.sh
	$(UV) sync --locked $(addprefix --extra ,$(TEST_EXTRAS))
	$(MAKE) --no-print-directory translations

# The Hindi catalogue compiled for Flask-Babel (the .mo is built, never committed). After changing
# a page's words: `make messages` re-extracts them and merges them into the .po for translation.
translations:
	$(BIN)/pybabel compile --statistics -d translations

messages:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".* ._ pdf" --add-location=file \
	    --sort-by-file --project Sulah --copyright-holder Sulah -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 110


# Prints the installed versions and fails unless they are exactly the lock's (for the CI log).
lock-check: $(UV)
	$(UV) pip freeze --exclude-editable
	$(UV) sync --locked --check $(addprefix --extra ,$(TEST_EXTRAS))

lock: $(UV)
	$(UV) lock $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade)

test-latest: $(UV)
	scripts/test-latest.sh $(UV) $(ARGS)

system-deps:
	scripts/system-deps.sh

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	touch $@

migrate: install
	$(FLASK) db upgrade heads

seed: migrate
	$(FLASK) demo seed

worker-ping: install
	$(FLASK) worker ping
