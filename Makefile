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

# the tests include the Spark parity test (tests/test_spark_parity.py): the spark extra comes too
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test,spark]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## The main job on the embedded default data (the demo province): synthetic province -> warehouse ->
## the three campaigns -> one clue workbook per company -> packages; then a simulated round of
## feedback and verdicts -> summary report; and the evaluation against the planted ground truth.
demo: $(VENV)/.installed
	$(WB) keygen --if-missing
	rm -rf $(PROVINCE) outputs/warehouse.duckdb outputs/lifecycle.sqlite* outputs/workbooks outputs/packages \
	       outputs/returned outputs/reports outputs/national
	$(WB) synth --scale demo --out $(PROVINCE)
	$(WB) ingest $(PROVINCE)/submissions
	$(WB) run all --jobs 2
	$(WB) package --all-companies
	$(WB) simulate-feedback
	$(WB) quality
	$(WB) case-study --top 1
	$(WB) run summary_report
	$(WB) demo-summary

## All tests: pytest, and nbmake over every notebook folder that holds notebooks.
NOTEBOOK_DIRS = $(sort $(dir $(wildcard parametrized/*.ipynb notebooks/*.ipynb)))

test: $(VENV)/.installed-test
	$(PY) -m pytest tests --durations=15 $(if $(NOTEBOOK_DIRS),--nbmake $(NOTEBOOK_DIRS))

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

docs: $(VENV)/.installed
	$(WB) docs

## Benchmarks (not part of the tests): `make bench` at x10, `make bench SCALE=province` for the top rung
## (INPUT=parquet ingests the generated parquet instead of CSV; REUSE=1 ingests the files of an
## earlier run again and keeps the baseline's parquet export when it is current, instead of
## generating). Order matters: screen and baseline reuse the warehouse the ingest benchmark builds.
## Spark runs on the demo province only, and needs Java (it says "skipped" without it).
SCALE ?= x10
INPUT ?= csv
REUSE ?=
bench: $(VENV)/.installed-spark
	$(PY) bench/bench_ingest.py --scale $(SCALE) --input $(INPUT) $(if $(REUSE),--reuse)
	$(PY) bench/bench_screen.py --scale $(SCALE)
	$(PY) bench/bench_baseline.py --scale $(SCALE) $(if $(REUSE),--reuse-export)
	$(PY) bench/bench_spark.py --scale demo

$(VENV)/.installed-spark: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[spark]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf outputs/province outputs/warehouse.duckdb outputs/runs outputs/templates
