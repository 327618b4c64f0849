# chiso: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint messages venv clean

venv: $(STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Compiled translations are build output (pure-Python Babel, no system gettext needed).
messages: $(STAMP)
	$(BIN)/pybabel compile --statistics -d src/chiso/locale -D django

run: messages
	CHISO_ENV=local $(BIN)/chiso serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench acceptance
	$(BIN)/lint-imports

test: messages lint
	CHISO_ENV=test $(BIN)/pytest -m "not browser"

clean:
	rm -rf $(VENV) var
