# Smartrix Grid. `make run`: the live demo on the embedded default. `make test`: the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12 as `python3.12`, or where pyenv keeps it.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
UV_VERSION := 0.13.9
SMARTRIX_PORT ?= 8020
export SMARTRIX_PORT

# Test services: the local Postgres and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/smartrix
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help install install-dev run test lint typecheck check bench-ingest bench-slots bench-dsmr bench-sim bench-billing clean

help:
	@echo "make run    set up and start the live PowerDale demo on http://127.0.0.1:$(SMARTRIX_PORT)/"
	@echo "make test   set up and run the whole test suite (Postgres and Redis on 127.0.0.1)"
	@echo "make check  lint, format check and type check"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 is needed: install python3.12 and try again." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv==$(UV_VERSION)

$(VENV)/.installed-base: requirements/base.lock | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/base.lock
	@touch $@

$(VENV)/.installed-dev: requirements/dev.lock $(VENV)/.installed-base
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/dev.lock
	@touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

run: install
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	@$(MANAGE) demo_welcome
	PATH="$(abspath $(BIN)):$$PATH" exec $(BIN)/honcho -f Procfile start

# The ingestion tests run a second time on SQLite: the portable path must behave the same.
PORTABLE_TESTS := tests/metering/test_ingestion.py tests/metering/test_readings_api.py \
	tests/metering/test_joi_api.py tests/metering/test_rollup.py tests/metering/test_autarky.py
# A Raspberry Pi's local datalogger stores on the embedded default (SQLite) too.
PORTABLE_TESTS += tests/metering/test_dsmr_services.py tests/metering/test_dsmr_api.py \
	tests/metering/test_dsmr_datalogger.py

test: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest $(PYTEST_ARGS)
	@echo "== the same ingestion tests on SQLite (the portable path)"
	DATABASE_URL=sqlite:///$(CURDIR)/var/portable.sqlite3 \
		REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(BIN)/pytest $(PORTABLE_TESTS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy .

check: lint typecheck

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache

bench-ingest: install-dev
	$(BIN)/python -m bench.ingest

bench-slots: install-dev
	$(BIN)/python -m bench.slots

bench-dsmr: install-dev
	$(BIN)/python -m bench.dsmr

bench-sim: install-dev
	$(BIN)/python -m bench.sim

bench-billing: install-dev
	$(BIN)/python -m bench.billing
