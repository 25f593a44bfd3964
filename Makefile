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

# Compiled translations (.mo) are build products (git ignores them): every target that runs
# Homeward depends on them, and each is rebuilt when its .po changes.
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(patsubst translations/%/LC_MESSAGES/messages.po,app/locale/%/LC_MESSAGES/messages.mo,$(PO_FILES))

.PHONY: run test lint unit bench clean-bench demo clean help translations catalogues soak

help:
	@echo "make run    set up .venv and open Homeward"
	@echo "make test   set up .venv with test tools, lint, and run every test (offscreen)"
	@echo "make demo   build a demo workspace in ./demo-workspace (300 cases)"
	@echo "make bench  benchmarks at 10,000 and 100,000 cases on SQLCipher and PostgreSQL (builds cached data first; see bench/)"
	@echo "make soak   drive the whole GUI like a person for SOAK_SECONDS (default 600) on Xvfb"
	@echo "make clean-bench  delete the cached benchmark data (bench/data/)"
	@echo "make clean  remove .venv and caches (never touches workspaces)"
	@echo "make translations  extract new strings, update the .po files, compile them"

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

# Babel comes with Homeward's own dependencies; this only matters if a .mo is wanted first.
$(BIN)/pybabel: | $(PY)
	$(PY) -m pip install --quiet "babel>=2.14"

app/locale/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(BIN)/pybabel
	@mkdir -p $(dir $@)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

catalogues: $(MO_FILES)

translations: $(VENV)/.stamp-run
	$(PY) tools/i18n.py all

run: $(VENV)/.stamp-run $(MO_FILES)
	$(BIN)/homeward

lint: $(VENV)/.stamp-test $(MO_FILES)
	$(BIN)/ruff check app tests tools
	$(BIN)/ruff format --check app tests tools
	$(BIN)/lint-imports
	$(BIN)/mypy

# The suite runs on both engines (HOMEWARD_TEST_ENGINE=sqlcipher|postgresql|both, default both),
# in one process per core; a process that runs out of tests takes some of the other's.
TEST_WORKERS ?= auto
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=20

# Benchmarks (bench/README.md), on SQLCipher and on a PostgreSQL server of their own: the first
# run generates the demo data (about 2 minutes and 2.5 GB at 100,000 cases), loads it into
# PostgreSQL (about 2 minutes, 1.3 GB) and caches both in bench/data/;
# BENCH_ARGS="--sizes 10000 --quick --engines sqlcipher" for a short run.
bench: $(VENV)/.stamp-test $(MO_FILES)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py $(BENCH_ARGS)

# The whole GUI with its real database thread, driven by tools/soak.py on a real X display
# (Xvfb + openbox) when Xvfb is installed, offscreen otherwise. A 40-second run is in `make test`.
SOAK_SECONDS ?= 600
soak: $(VENV)/.stamp-test $(MO_FILES)
	$(PY) tools/soak.py --seconds $(SOAK_SECONDS)

clean-bench:
	rm -rf bench/data

demo: $(VENV)/.stamp-run $(MO_FILES)
	$(BIN)/homeward demo --workspace demo-workspace

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info app/locale
