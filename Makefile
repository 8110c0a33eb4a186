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

.PHONY: help install install-dev run test scenarios lint typecheck check bench-ingest bench-slots bench-dsmr bench-sim bench-town bench-billing bench-demo bench-grid clean

help:
	@echo "make run    set up and start the live PowerDale demo on http://127.0.0.1:$(SMARTRIX_PORT)/"
	@echo "make test   set up and run the whole test suite (embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL)"
	@echo "make check  lint, format check and type check"
	@echo "make scenarios [STORY=N]  the user stories, narrated, against the live stack"

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

# The embedded default's servers (config/embedded.py): PostgreSQL for both, Redis for the tests.
EMBEDDED := $(BIN)/python -m config.embedded

# Without DATABASE_URL, the embedded PostgreSQL under var/ (started here, stopped on the way out).
run: install
	@stop=true; \
	if [ -z "$${DATABASE_URL:-}" ]; then $(EMBEDDED) postgres start || exit 1; stop="$(EMBEDDED) postgres stop"; fi; \
	trap "$$stop" EXIT; \
	$(MANAGE) migrate --noinput -v0 && $(MANAGE) seed_demo && $(MANAGE) demo_welcome && \
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile start

# DATABASE_URL / REDIS_URL when set; otherwise the embedded PostgreSQL and a Redis of the
# suite's own, under var/test/, stopped afterwards.
test: install-dev
	@export SMARTRIX_VAR_DIR="$${SMARTRIX_TEST_VAR_DIR:-$(CURDIR)/var/test}"; stop=true; \
	if [ -z "$${DATABASE_URL:-}" ]; then \
		$(EMBEDDED) postgres start || exit 1; stop="$$stop; $(EMBEDDED) postgres stop"; fi; \
	if [ -z "$${REDIS_URL:-}" ]; then \
		url="$$($(EMBEDDED) redis start)" || exit 1; export REDIS_URL="$$url/0"; \
		stop="$$stop; $(EMBEDDED) redis stop"; fi; \
	trap "$$stop" EXIT; \
	$(BIN)/pytest $(PYTEST_ARGS)

# Every user story's acceptance scenario against the live stack (make run in var/scenarios/, on a
# port of its own); STORY=N runs one.
scenarios: install-dev
	$(BIN)/python -m scenarios $(if $(STORY),--story $(STORY))

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy .

check: lint typecheck

clean:
	$(EMBEDDED) postgres stop 2>/dev/null || true
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache

# Benchmarks run on BENCH_DATABASE_URL when set, otherwise on an embedded PostgreSQL of their own
# under var/bench/ (the same major version as the demo and the tests), stopped afterwards.
define bench
	@export SMARTRIX_VAR_DIR="$(CURDIR)/var/bench"; stop=true; \
	if [ -z "$${BENCH_DATABASE_URL:-}" ]; then \
		$(EMBEDDED) postgres start || exit 1; stop="$(EMBEDDED) postgres stop"; fi; \
	trap "$$stop" EXIT; \
	$(BIN)/python -m bench.$(1)
endef

bench-ingest: install-dev
	$(call bench,ingest)

bench-slots: install-dev
	$(call bench,slots)

bench-dsmr: install-dev
	$(call bench,dsmr)

bench-sim: install-dev
	$(call bench,sim)

bench-town: install-dev
	$(call bench,town)

bench-billing: install-dev
	$(call bench,billing)

# The night's planner through `manage.py grid_plan`: no database.
bench-grid: install-dev
	$(BIN)/python -m bench.grid

# `make run` from a fresh clone until the demo's year is settled (slots and invoices).
bench-demo: install-dev
	$(BIN)/python -m bench.demo
