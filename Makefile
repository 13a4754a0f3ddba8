# sxtd-analysis — every target sets up what it needs; each is fast when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.sxtd-installed
UV     := .uv/bin/uv
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
# Jupyter and IPython write into the project, not the home folder
export JUPYTER_CONFIG_DIR := $(CURDIR)/.jupyter/config
export JUPYTER_DATA_DIR   := $(CURDIR)/.jupyter/data
export JUPYTER_RUNTIME_DIR:= $(CURDIR)/.jupyter/runtime
export IPYTHONDIR         := $(CURDIR)/.jupyter/ipython
export UV_PYTHON_DOWNLOADS:= never

.PHONY: help setup lock build validate report test lint lab clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv with Python 3.11 and install the locked dependencies

# The stamp is keyed on the lock: nothing is reinstalled until uv.lock or pyproject.toml change.
$(STAMP): uv.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "sxtd needs Python 3.11; set PYTHON=/path/to/python3.11")'
	@if [ ! -x $(UV) ]; then $(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .uv uv \
	    || echo "uv could not be installed; falling back to pip"; fi
	@if [ -x $(UV) ]; then \
	    $(UV) sync --frozen --extra dev --python $(PYTHON) --compile-bytecode --quiet; \
	else \
	    [ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV); \
	    $(BIN)/pip install --quiet --require-hashes -r requirements.lock && \
	    $(BIN)/pip install --quiet --no-deps -e .; \
	fi
	@mkdir -p .jupyter/ipython
	@$(BIN)/python -m ipykernel install --sys-prefix --name sxtd --display-name "Python 3 (sxtd)" >/dev/null
	@touch $@
	@echo "setup: $(VENV) ready (sxtd kernel registered)"

# uv.lock is the source of truth; requirements.lock is its export for the pip fallback. Run after changing
# dependencies in pyproject.toml (a fresh clone never needs it).
lock: setup ## re-resolve uv.lock and re-export requirements.lock
	$(UV) lock --python $(PYTHON)
	$(UV) export --frozen --extra dev --no-emit-project --quiet -o requirements.lock

build: setup ## check the curated data and build data/sxtd.duckdb
	$(BIN)/sxtd build

validate: setup ## run the provenance gate and the Great Expectations suites
	$(BIN)/sxtd validate

report: setup ## set up, build, validate and render every report into reports/
	$(BIN)/sxtd validate
	$(BIN)/sxtd build
	$(BIN)/sxtd report --all --jobs $(JOBS)
	@echo "open $(CURDIR)/reports/index.html"

test: setup ## run ruff and the whole test suite
	$(BIN)/ruff check sxtd_analysis tests benchmarks
	$(BIN)/python -m pytest

lint: setup ## ruff only
	$(BIN)/ruff check sxtd_analysis tests benchmarks

lab: setup ## start JupyterLab on the project with the sxtd kernel
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR) --allow-root --no-browser

clean: ## remove what was built (never data/raw or data/curated)
	rm -rf $(VENV) .uv .jupyter .pytest_cache .ruff_cache .hypothesis benchmarks/out
	rm -f data/*.duckdb data/*.duckdb.wal data/*.duckdb.tmp*
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
