# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX := edu_site/static/vendor/htmx.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run classroom test install lint test-sqlite test-browser test-postgres bench clean

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# DEBUG off, gunicorn and whitenoise on the room's network (BIND=0.0.0.0 by default).
classroom: install
	scripts/classroom.sh

# The browser tests spend much of their time waiting on Chromium, so they run beside the
# PostgreSQL suite; each one's output is printed whole when it ends.
test: install
	scripts/ensure_system_packages.sh
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) --jobs=2 --output-sync=target test-browser test-postgres

install: $(VENV)/.installed $(HTMX)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(HTMX): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# The same pinned tools run as local pre-commit hooks (.pre-commit-config.yaml).
# django-upgrade has no check mode: it rewrites what it would change and exits non-zero.
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	git ls-files -z -- '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 5.2
	git ls-files -z -- '*.html' | xargs -0 $(BIN)/djade --check --target-version 5.2
	$(BIN)/python manage.py makemigrations --check --dry-run --noinput

test-sqlite:
	@echo "== Test suite on SQLite"
	$(BIN)/pytest -n 2 -m "not e2e"

test-browser:
	@echo "== Browser tests: Playwright driving Chromium against a live server (SQLite)"
	$(BIN)/pytest -m e2e -v -p no:cacheprovider

test-postgres:
	@echo "== Test suite on PostgreSQL (the browser and pure-engine tests ran above)"
	@if scripts/postgres_bin_dir.sh >/dev/null 2>&1; then \
		scripts/with_postgres.sh $(BIN)/pytest -n 2 -m "not e2e" --ignore=tests/simulation; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and no PostgreSQL server: failing, not skipping." >&2; exit 1; \
	else \
		echo "SKIPPED: no PostgreSQL server (sudo apt-get install postgresql)"; \
	fi

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) node_modules edu_site/static/vendor staticfiles
