# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: messages screenshots run test lint check-migrations typecheck pytest system-deps node-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

# Debian packages the tests drive: the browser for banner tests, docker-compose to validate the
# deployment file, wrk for the load figures, gettext to compile the translations, caddy for the
# banner benchmark's proxy (bench/banner_peers.py serves the banner through deploy/Caddyfile). Never a browser
# downloaded at run time.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v caddy >/dev/null || missing="$$missing caddy"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

run: $(VENV)/.runtime
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	@# The banner and every static file are served as collected: with their gzip copies.
	DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=1 $(BIN)/python manage.py bootstrap
	@echo ""
	@echo "  Consent-management platform: http://$(HOST):$(PORT)/"
	@echo "  Demo page with the banner:     http://$(HOST):$(PORT)/demo/"
	@echo "  Health:                        http://$(HOST):$(PORT)/healthz"
	@echo ""
	@# Without a Celery worker, webhooks are sent by this loop beside the web server.
	DEBUG=1 $(BIN)/python manage.py dispatch_webhooks --loop & trap 'kill $$!' EXIT; \
		DEBUG=1 CMP_STATIC_USE_FINDERS=0 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(VENV)/.dev
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(VENV)/.dev
	$(BIN)/mypy --strict privacy_signals clients/python/cmp_client

# The suite on two worker processes (pytest-xdist), one per core of the machines it runs on; each
# worker has its own test database and Redis database (tests/conftest.py). `make pytest
# PYTEST_WORKERS=0` runs it in one process. loadgroup keeps the tests of one xdist_group on one worker.
PYTEST_WORKERS ?= 2
pytest: $(VENV)/.dev node-deps system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint check-migrations typecheck pytest

bench: $(VENV)/.dev node-deps system-deps
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis staticfiles

# The project's own strings: refresh every locale/<lang>/LC_MESSAGES/django.po from the sources, then
# compile the .mo files committed beside them (so running the product needs no gettext). Needs GNU
# gettext (Debian package gettext); a test fails on any msgid left untranslated or any stale .mo.
messages: $(VENV)/.runtime
	DEBUG=1 $(BIN)/python manage.py makemessages --all --no-obsolete --add-location=file \
		--ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

# The browser tests write their screenshots to a temporary folder; this writes them to docs/screenshots.
screenshots: $(VENV)/.dev node-deps system-deps
	CMP_REFRESH_SCREENSHOTS=1 $(BIN)/pytest -m browser
