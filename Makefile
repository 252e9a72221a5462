# Two commands on a fresh clone: `make demo` runs the main job, `make test` runs the tests.
# Both create .venv when missing and install the project into it.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
WB      = $(VENV)/bin/workbench
PROVINCE = outputs/province

.PHONY: demo test install install-test lint docs bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-NOTEBOOK_DIRS = $(sort $(dir $(wildcard parametrized/*.ipynb notebooks/*.ipynb)))

test: $(VENV)/.installed-test
	$(PY) -m pytest tests $(if $(NOTEBOOK_DIRS),--nbmake $(NOTEBOOK_DIRS))

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

docs: $(VENV)/.installed
	$(WB) docs

bench: $(VENV)/.installed
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/bench_*.py; do $(PY) $$b || exit 1; done || echo "no benchmarks yet"

clean:
	rm -rf outputs/province outputs/warehouse.duckdb outputs/runs outputs/templates
