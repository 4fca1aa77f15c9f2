# One command per task. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Set to a PostgreSQL URL to run the tests there, e.g.
#   make test TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test
TEST_DATABASE_URL ?=

.PHONY: install run test lint check-migrations clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dpaudit needs Python 3.11 or newer (set PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install dpaudit with its test tools

run: $(STAMP) ## migrate the embedded SQLite database, load the demo, serve on :8000
	$(BIN)/dpaudit migrate
	$(BIN)/dpaudit demo
	@echo "Serving on http://127.0.0.1:8000: sign in at http://127.0.0.1:8000/sign-in with a sign-in line above (API docs: http://127.0.0.1:8000/docs). Ctrl-C stops."
	$(BIN)/dpaudit serve --host 127.0.0.1 --port 8000

test: $(STAMP) ## run the whole test suite (SQLite, or TEST_DATABASE_URL)
	DPAUDIT_TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest

lint: $(STAMP) ## ruff, mypy (strict), and migrations that match the models
	$(BIN)/ruff check .
	$(BIN)/mypy service importers reports
	$(MAKE) check-migrations

check-migrations: $(STAMP) ## alembic check: the migrations at head match the models
	mkdir -p var && rm -f var/alembic-check.sqlite3
	DPAUDIT_DATABASE_URL=sqlite:///var/alembic-check.sqlite3 $(BIN)/alembic upgrade head
	DPAUDIT_DATABASE_URL=sqlite:///var/alembic-check.sqlite3 $(BIN)/alembic check
	if [ -n "$(TEST_DATABASE_URL)" ]; then \
	  DPAUDIT_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/alembic upgrade head && \
	  DPAUDIT_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/alembic check; fi

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
