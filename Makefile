# Sulah developer commands. On a fresh Debian machine: `make run` (the local stack) and `make test`.
# Everything they need (Debian packages, .venv, the package itself) is installed on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
EXTRAS ?= dev
BIN := $(VENV)/bin
# Reinstall the package only when pyproject.toml changes (or the extras asked for do).
STAMP := $(VENV)/.installed-$(EXTRAS)
FLASK := $(BIN)/flask --app wsgi

SULAH_PORT ?= 5000
export SULAH_PORT
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(SULAH_PORT)
export PYTHONUNBUFFERED := 1
# The embedded development stack: /dev/outbox, plain-HTTP cookies. Deployments set production (the default).
export SULAH_ENV ?= development
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test lint install system-deps migrate seed worker-ping

help:
	@echo "make run          install what is missing, migrate, seed demo data, start web + worker + mail sink"
	@echo "make test         the test suite on SQLite, then on PostgreSQL (ARGS='...' passes pytest arguments)"
	@echo "make lint         ruff"
	@echo "make worker-ping  send a task through the broker and wait for the worker's answer"

run: install migrate seed
	@echo "Sulah on http://127.0.0.1:$(SULAH_PORT)  (mail: http://127.0.0.1:$(SULAH_PORT)/dev/outbox; Ctrl-C stops all)"
	@# honcho answers Ctrl-C by stopping every process and exiting 130: a clean stop, not an error.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile start || [ $$? -eq 130 ]

test: BROWSER := 1
test: install
	PYTEST=$(BIN)/pytest scripts/test-passes.sh $(ARGS)

lint: install
	$(BIN)/ruff check .

install: system-deps $(STAMP)

system-deps:
	scripts/system-deps.sh $(if $(BROWSER),--browser)

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --progress-bar off -e '.[$(EXTRAS)]'
	touch $@

migrate: install
	$(FLASK) db upgrade heads

seed: migrate
	$(FLASK) demo seed

worker-ping: install
	$(FLASK) worker ping
