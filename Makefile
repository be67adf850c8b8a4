# SECPA Portal — set-up and checks. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test check lint format python-version install migrate serve clean benchmark smoke

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
		echo "SECPA Portal needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install Python 3.13 (the repository's .python-version asks pyenv for it) or run: make PYTHON=python3.13 ..."; \
		exit 1; }

$(BIN)/python: | python-version
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: python-version $(VENV)/.installed

migrate: install
	mkdir -p var
	DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	TESTING=true $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-like environment for `check --deploy`; the values are dummies.
# Only the three variables an operator must set: every other security setting is secure by default.
DEPLOY_ENV := DEBUG=false TESTING=false SECRET_KEY=deploy-check-$$(date +%s)-a-long-random-string-for-the-check-only \
	ALLOWED_HOSTS=secpa.example.gouv.fr DATABASE_URL=postgres://secpa@127.0.0.1:5432/secpa

check: lint
	$(BIN)/lint-imports --no-cache
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Production smoke test (scripts/smoke.py): PostgreSQL, collectstatic, gunicorn, the task worker, SMTP, Chromium.
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secpa_smoke

smoke: install
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) $(BIN)/python scripts/smoke.py

# Volume benchmark (design §8, issue 14) as production runs, on its own PostgreSQL databases (secpa_bench, and
# secpa_bench_1000 / secpa_bench_20000 for the campaign sizes); writes docs/benchmarks.md. Never part of make test.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secpa_bench
BENCH_ARGS ?=

benchmark: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/db.sqlite3
