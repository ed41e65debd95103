# The two commands: `make run` (the app with demo data on SQLite) and `make test` (lint + the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install system-check lint test-postgres clean bench translations vendor

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); try: make PYTHON=python3 ..."; exit 1; }
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { echo "missing system package: $(notdir $(PYTHON))-venv (apt-get install $(notdir $(PYTHON))-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The Debian packages the app cannot start without (README, "System packages"): one line if one is missing.
system-check: install
	@$(BIN)/python -m fundapp.system_check

# The job worker runs in the background and stops with the web server, whichever way that stops.
run: system-check
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check fundapp tests benchmarks migrations wsgi.py
	$(BIN)/ruff format --check fundapp tests benchmarks migrations wsgi.py
	$(BIN)/mypy fundapp

test: system-check lint
	$(BIN)/pytest -n auto -q

FUNDAPP_TEST_DATABASE_URL ?= postgresql://fundapp:fundapp@127.0.0.1:5432/fundapp_test
test-postgres: system-check
	FUNDAPP_TEST_DATABASE_URL=$(FUNDAPP_TEST_DATABASE_URL) $(BIN)/pytest -n auto -q

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) instance/fundapp.sqlite3* instance/fundapp-jobs.sqlite3* instance/jobs.sqlite3*

# Extract UI strings, merge them into the Dutch catalog and compile it (commit the .po and .mo).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k ValidationFailed:1 -k field:2 -k Conflict:1 -k Forbidden:1 -k NotFound:1 -k InvalidTransition:1 -k Unauthorized:1 -k LoginFailed:1 -k AccountLocked:1 -k TooManyAttempts:1 -k ValidationError:1 -k AppError:1 --no-location --sort-output -o fundapp/translations/messages.pot .
	$(BIN)/pybabel update -i fundapp/translations/messages.pot -d fundapp/translations -l nl --no-fuzzy-matching
	$(BIN)/pybabel compile -d fundapp/translations -l nl

# Refresh the vendored NL Design System CSS (README, "Look and accessibility"): npm fetches the pinned
# package into a temporary directory; its stylesheet and licence are copied into static/vendor/utrecht/.
UTRECHT_CSS_VERSION := 9.0.4
vendor:
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to refresh the vendored CSS (apt-get install npm)"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent @utrecht/component-library-css@$(UTRECHT_CSS_VERSION) >/dev/null) && \
	  tar -xzf "$$tmp"/utrecht-component-library-css-$(UTRECHT_CSS_VERSION).tgz -C "$$tmp" && \
	  mkdir -p static/vendor/utrecht && \
	  cp "$$tmp"/package/dist/index.css static/vendor/utrecht/component-library.css && \
	  cp "$$tmp"/package/LICENSE.md static/vendor/utrecht/LICENSE.md && \
	  printf '%s\n' "@utrecht/component-library-css $(UTRECHT_CSS_VERSION) (EUPL-1.2), from npm by make vendor." \
	    "component-library.css is the package's dist/index.css, unchanged; LICENSE.md is its licence." \
	    > static/vendor/utrecht/NOTICE
	@echo "static/vendor/utrecht/ now holds @utrecht/component-library-css $(UTRECHT_CSS_VERSION)"
