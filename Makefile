# Two commands on a fresh machine: `make demo` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench postgres install clean chromium ui-deps ui-build ui-types ui-test ui-lint

UI := ui
UI_MODULES := $(UI)/node_modules/.package-lock.json

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The package build (hatch_build.py) also builds the web UI with npm into src/tether/server/ui_dist.
$(STAMP): pyproject.toml hatch_build.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/quickstart.py

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
		echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1

# The browser tests (tests/e2e, marker e2e) drive Debian's Chromium through playwright; never `playwright install`.
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: $(STAMP) postgres chromium ui-test
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP) ui-lint
	$(BIN)/ruff check src tests bench examples scripts hatch_build.py
	$(BIN)/ruff format --check src tests bench examples scripts hatch_build.py
	$(BIN)/mypy
	$(BIN)/python scripts/openapi.py --check

# --- web UI (ui/): npm ci runs again only when package-lock.json changes -----------------------------
$(UI_MODULES): $(UI)/package-lock.json
	cd $(UI) && npm ci --no-audit --no-fund
	touch $@

ui-deps: $(UI_MODULES)

# Rebuild the served UI after changing ui/ (make install builds it once).
ui-build: $(UI_MODULES)
	cd $(UI) && npm run build

# Regenerate ui/openapi.json and ui/src/api/schema.d.ts after changing a route or a schema; commit both.
ui-types: $(STAMP) $(UI_MODULES)
	$(BIN)/python scripts/openapi.py

ui-test: $(UI_MODULES)
	cd $(UI) && npm test

ui-lint: $(UI_MODULES)
	cd $(UI) && npm run lint

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/tracking_ingest.py
	$(BIN)/python bench/search_runs.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/drift.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/data.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(UI)/node_modules src/tether/server/ui_dist
