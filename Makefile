# casetracker: `make run` serves the site, `make test` runs every test. Both set themselves up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/casetracker
export CASETRACKER_ENV ?= development
# One pytest worker per core, each with its own test database (pytest-xdist).
PYTEST_ARGS ?= -n auto

.PHONY: setup run serve test test-sqlite test-postgres lint bench clean deploy

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	mkdir -p var/static

## Serve the site with the seed cases on http://127.0.0.1:$(PORT) (SQLite under var/ unless
## DATABASE_URL), with the task worker beside it (stopped with the server).
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loadseeds
	$(BIN)/python manage.py createdevadmin
	$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Production set-up, in order, with the production settings from the environment (SECRET_KEY,
## ALLOWED_HOSTS, DATABASE_URL, REDIS_URL…): static files, migrations, then the deployment
## checks, which fail if anything is missing. Then start gunicorn (see README.md).
deploy: setup
	CASETRACKER_ENV=production $(BIN)/python manage.py collectstatic --noinput -v0
	CASETRACKER_ENV=production $(BIN)/python manage.py migrate --noinput
	CASETRACKER_ENV=production $(BIN)/python manage.py check --deploy --fail-level WARNING

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

## Lint, then the whole suite on SQLite and, where one answers, on PostgreSQL.
test: lint
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL: none on 127.0.0.1:5432 and no DATABASE_URL; the suite ran on SQLite only."; \
	fi

test-sqlite: setup
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL CASETRACKER_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: setup
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} CASETRACKER_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

## Scale benchmark: builds 1k/10k/100k-people data sets (kept between runs), measures, load-tests
## with gunicorn + wrk, writes bench/results/latest.{md,json}. Not a test. BENCH_ARGS=--help.
bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 || \
		(apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1) || \
		echo "wrk is missing and could not be installed (apt-get install wrk): the throughput run will say so."
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		$(BIN)/python -m bench $(BENCH_ARGS); \
	else \
		echo "PostgreSQL: none on 127.0.0.1:5432; benchmarking SQLite only (start PostgreSQL for the full report)."; \
		$(BIN)/python -m bench --pg '' $(BENCH_ARGS); \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
