# Two commands matter: `make run` (the embedded demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The embedded demo: SQLite, no services, secure cookies off because it is served over http,
# static files served from their folders (nothing to collect and compress before it starts).
DEMO_ENV := SECURE_COOKIES=false TWO_FACTOR_REQUIRED=false STATIC_FROM_SOURCE=true

# The test services (scripts/test-services.sh starts them). A test database is thrown away, so its
# commits need not wait for the disk (synchronous_commit off, for these sessions only). The owner
# (DATABASE_URL) creates and migrates each test database; the tests run as the app's role
# (DATABASE_APP_URL), as production does (tests/db_roles.py).
# Bytecode is written (PYTHONDONTWRITEBYTECODE, set on some machines, is cleared): the run starts
# a dozen Python processes (workers, servers, the template builder) that would each compile the
# project and pytest's rewritten test modules again.
TEST_ENV := PYTHONDONTWRITEBYTECODE= SECRET_KEY=test-only-secret-key \
	DATABASE_URL="postgres://sutohamu:sutohamu@127.0.0.1:5432/sutohamu?options=-c%20synchronous_commit%3Doff" \
	DATABASE_APP_URL="postgres://sutohamu_app:sutohamu_app@127.0.0.1:5432/sutohamu" \
	REDIS_URL=redis://127.0.0.1:6379/0

# The project's own packages, compiled to bytecode once before the run (as pip compiles what it
# installs): a fresh clone has none, and the run's first dozen processes (workers, the template
# builder, `make run`, Celery workers) would each compile the same modules at once.
PROJECT_DIRS := accounts bench cases councils meetings reminders reports sutohamu tests manage.py

# Test processes (pytest-xdist); each worker gets its own test database. `make test TEST_WORKERS=0`
# runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test lint messages dev clean bench mutants

# The app's dependencies alone (for `make run`: it runs from this folder, so the project itself
# need not be built and installed), or the project with the test and lint tools.
$(BIN)/.installed-app: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > $(VENV)/app-requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -r $(VENV)/app-requirements.txt
	touch $@

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@ $(BIN)/.installed-app

# Migrating and seeding in one process: one start-up of the app (about a second of CPU) less.
run: $(BIN)/.installed-app
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --migrate
	@echo ""
	@echo "SuToHaMu is running at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@echo ""
	$(DEMO_ENV) $(BIN)/gunicorn sutohamu.wsgi --bind $(HOST):$(PORT) --workers 2 --preload --access-logfile -

dev: $(BIN)/.installed
	DEBUG=true TWO_FACTOR_REQUIRED=false $(BIN)/python manage.py seed_demo --migrate
	DEBUG=true TWO_FACTOR_REQUIRED=false $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed
	bash scripts/test-services.sh
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules -v0
	$(BIN)/python -m compileall -q -j 0 $(PROJECT_DIRS)
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Mutation testing with mutmut ([tool.mutmut] in pyproject.toml; README). MUTANTS_ARGS picks
# mutants by name, e.g. MUTANTS_ARGS='"cases.rights*"' for one rule module's.
mutants: $(BIN)/.installed
	bash scripts/test-services.sh
	$(TEST_ENV) $(BIN)/mutmut run --max-children 2 $(MUTANTS_ARGS)
	$(TEST_ENV) $(BIN)/mutmut results

# The benchmark (bench/run.py): generated data, the production stack, ratios to the floor.
# `make bench BENCH_ARGS="--scales nation"` adds the national scale; `--fresh` regenerates.
bench: $(BIN)/.installed
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	bash scripts/test-services.sh
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# mypy's Django plugin loads the settings, which want a key whenever DATABASE_URL is set.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint-only-secret-key $(BIN)/mypy

messages: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py makemessages -l sv -l en --ignore .venv --ignore staticfiles --ignore node_modules
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
