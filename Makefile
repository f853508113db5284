# The two commands: `make run` (embedded: SQLite, files as broker and mailbox) and
# `make test` (the whole suite on PostgreSQL and Redis). Everything else is a helper.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint format check messages screenshots bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced  ## create .venv and install the locked dependencies

# Every link the app writes (e-mails, the calendar, the API's `url`) starts with SITE_URL:
# it follows HOST and PORT unless set. var/.env keeps what this run used, so that the
# commands the README lists, run by hand in this checkout, see the same set-up.
run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export TRACKER_VAR_DIR ?= var
run: install  ## set up and serve the demo on http://127.0.0.1:8000 with a Celery worker and beat
	$(if $(PORT_BUSY),$(error $(PORT_BUSY)))
	@mkdir -p $(TRACKER_VAR_DIR)
	@printf '# Written by make run (rewritten at each run); the environment wins over it.\n%s\n%s\n' \
		"DJANGO_DEBUG=$$DJANGO_DEBUG" "SITE_URL=$$SITE_URL" > $(TRACKER_VAR_DIR)/.env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo
	@echo "Serving on $$SITE_URL/  (Ctrl-C stops the web server and the worker)"
	@echo "E-mails are written to $(TRACKER_VAR_DIR)/mail/"
	@$(BIN)/celery -A tracker worker --beat --pool=solo --loglevel=WARNING \
		--schedule $(TRACKER_VAR_DIR)/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT); status=$$?; \
	kill $$worker 2>/dev/null; wait $$worker; exit $$status

# Make expands a recipe whole before running its first line: a busy port stops `make run`
# with one line before it migrates or starts anything.
PORT_BUSY = $(shell $(PYTHON) bin/port-busy $(HOST) $(PORT))

# Two test processes: the machines have two cores, and each process gets its own test
# database, live server and Celery queue.
PYTEST_WORKERS ?= 2

test: install  ## the whole suite against PostgreSQL and Redis (started or installed if need be)
	bin/test-services
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# The same options as tracker/catalogs.py's MAKEMESSAGES_OPTIONS, which the catalog test uses.
messages: export DJANGO_DEBUG ?= 1
messages: install  ## extract the strings into locale/fr and locale/ur, then compile the .mo files
	$(BIN)/python manage.py makemessages -l fr -l ur -e html,txt,py --add-location=file --no-obsolete --ignore=tests/* --ignore=bench/* --ignore=docs/* --ignore=bin/* --ignore=var/*
	$(BIN)/python manage.py compilemessages -l fr -l ur
	@bin/untranslated || true

lint: install  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install  ## Django's checks and migrations in step with the models
	DJANGO_DEBUG=1 $(BIN)/python manage.py check
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

screenshots: install  ## the README's screenshots, from the demo data (needs /usr/bin/chromium)
	$(BIN)/python bin/screenshots.py

# The local PostgreSQL and Redis, wrk from Debian's packages; BENCH_ARGS=--reuse keeps the
# generated databases from an earlier run (bench/run.py --help lists the options).
bench: install  ## every page against the floor at two sizes, the jobs, load (about 20 minutes)
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache
