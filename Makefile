# Beffroi — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The production server (uWSGI) is compiled: only the tests and benchmarks need it.
SERVER := $(VENV)/.server
DEMO_ENV := BEFFROI_DEMO=true
TEST_ENV := DJANGO_SETTINGS_MODULE=beffroi.settings_test
PYTEST_WORKERS ?= 2

.PHONY: demo test bench system-deps-runtime system-deps-test system-deps-bench node-deps clean

## make demo: install, create the database, load the demo (Tournai at 127.0.0.1:8000, Antoing
## at antoing.localhost:8000) and serve it with its worker.
demo: system-deps-runtime $(INSTALLED)
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py run_demo

## make test: lint, types, migrations check, unit and browser tests.
test: system-deps-test $(INSTALLED) $(SERVER) node-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(TEST_ENV) $(PY) -m mypy .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/run-tests.py -n $(PYTEST_WORKERS)

## make bench: the performance figures, one `name: value unit` line each
## (make bench BEFORE=<git revision>: each beside an earlier version's, in the same run).
bench: system-deps-bench $(INSTALLED) $(SERVER)
	$(PY) bench/run.py $(if $(BEFORE),--before $(BEFORE))

system-deps-runtime:
	@bash scripts/system-deps.sh runtime

system-deps-test:
	@bash scripts/system-deps.sh test

system-deps-bench:
	@bash scripts/system-deps.sh bench

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

$(SERVER): $(INSTALLED)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[server]"
	@touch $@

node-deps: node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar

node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar &: package.json
	npm install --no-save --no-audit --no-fund
	@touch $@

clean:
	rm -rf $(VENV) node_modules var/test-media
