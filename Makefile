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

.PHONY: install run test lint format check screenshots bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced  ## create .venv and install the locked dependencies

run: export DJANGO_DEBUG ?= 1
run: install  ## set up and serve the demo on http://127.0.0.1:8000 with a Celery worker and beat
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo "E-mails are written to var/mail/"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A tracker worker --beat --pool=solo --loglevel=WARNING \
		--schedule var/celerybeat-schedule & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two test processes: the machines have two cores, and each process gets its own test
# database, live server and Celery queue.
PYTEST_WORKERS ?= 2

test: install  ## the whole suite against PostgreSQL and Redis (started or installed if need be)
	bin/test-services
	$(BIN)/pytest -n $(PYTEST_WORKERS)

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
