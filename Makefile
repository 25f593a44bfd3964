# Homeward — the two commands: `make run` and `make test`. Both set everything up first.
#
# A fresh machine needs only Python 3.11+ and make: the first run creates .venv, installs
# Homeward into it (with test tools for `make test`) and then opens the app / runs the suite.
# Later runs reinstall only when pyproject.toml changed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test lint unit bench demo clean help

help:
	@echo "make run    set up .venv and open Homeward"
	@echo "make test   set up .venv with test tools, lint, and run every test (offscreen)"
	@echo "make demo   build a demo workspace in ./demo-workspace (300 cases)"
	@echo "make clean  remove .venv and caches (never touches workspaces)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Homeward needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.stamp-run

run: $(VENV)/.stamp-run
	$(BIN)/homeward

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

demo: $(VENV)/.stamp-run
	$(BIN)/homeward demo --workspace demo-workspace

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
