# Social Value Marketplace: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.DEFAULT_GOAL := run

include mk/assets.mk

.PHONY: run test test-sqlite test-postgres install install-test browser-deps clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

install: $(BIN)/.installed

## run: install, upgrade the database, load demo data and serve on http://127.0.0.1:5000
run: $(BIN)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo ""
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop both)."
	@echo "Beside it runs 'flask worker': it sends queued emails (printed here) and runs the scheduled jobs."
	@echo "In production run 'flask worker' as a service (see README), or from cron instead:"
	@echo "  * * * * *  flask worker --once   # send queued email, then run the jobs that are due"
	@echo ""
	@# The worker runs in the background and is stopped (SIGTERM: it finishes the email in hand) when the server stops.
	@$(BIN)/flask worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host 127.0.0.1 --port 5000

## browser-deps: Debian's Chromium for the browser tests (never a downloaded browser)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

install-test: $(BIN)/.installed-test browser-deps node_modules/.installed

## test: the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set
# Tests run in parallel, one process per core (TEST_WORKERS=0 for one process); a whole test file stays in
# one process. On PostgreSQL each process has its own database beside the named one: <name>_gw0, <name>_gw1...
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --durations=15

# The browser tests (Chromium through the pages, a third of the suite's time) run once: on PostgreSQL, the production
# database, when TEST_DATABASE_URL is set, else on SQLite. Every other test runs on both.
test: install-test
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  env -u TEST_DATABASE_URL $(PYTEST) -m "not browser" && \
	  echo "--- again on PostgreSQL ($$TEST_DATABASE_URL), with the browser tests" && \
	  $(PYTEST); \
	else env -u TEST_DATABASE_URL $(PYTEST) && echo "TEST_DATABASE_URL not set: skipped the PostgreSQL run"; fi

clean:
	rm -rf $(VENV) node_modules instance/*.sqlite
