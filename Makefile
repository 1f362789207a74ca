# Two commands on a fresh machine: `make review` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PERIOD ?=
REVIEW_ARGS ?=
# pytest workers (pytest-xdist): one per core of the 2-core CI machine; `make test WORKERS=1`
# runs serially. Whole files go to one worker (--dist loadfile), so a module's fixtures
# (a review, a published report) are computed once, as in a serial run. --durations lists the
# 25 slowest steps in the CI log, so where the time goes is visible run by run.
WORKERS ?= 2

.PHONY: venv review test lint format notebooks-clean docs bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	@touch $(STAMP)

venv: $(STAMP)

## make review: run the period review on the bundled sample data, HTML under reports/
review: $(STAMP)
	$(VENV)/bin/kpi review --params params/monthly.yaml $(if $(PERIOD),--period $(PERIOD)) $(REVIEW_ARGS)

## make test: ruff, pytest for kpi_lib, nbval over every notebook
test: $(STAMP)
	$(VENV)/bin/ruff check kpi_lib tests benchmarks
	$(VENV)/bin/ruff format --check kpi_lib tests benchmarks
	$(PY) -m pytest -q --durations=25 $(if $(filter-out 1,$(WORKERS)),-n $(WORKERS) --dist loadfile)
	$(PY) -m pytest -q -p no:cacheprovider --nbval-lax notebooks/

lint: $(STAMP)
	$(VENV)/bin/ruff check kpi_lib tests benchmarks

format: $(STAMP)
	$(VENV)/bin/ruff check --fix kpi_lib tests benchmarks
	$(VENV)/bin/ruff format kpi_lib tests benchmarks

## regenerate generated docs
docs: $(STAMP)
	$(VENV)/bin/kpi contract > docs/data-contract.md
	$(VENV)/bin/kpi indicators --markdown > docs/indicators.md

## strip outputs from notebooks before committing
notebooks-clean: $(STAMP)
	$(VENV)/bin/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

bench: $(STAMP)
	$(PY) benchmarks/bench_synth.py
	$(PY) benchmarks/bench_engine.py --sizes 10000000
	$(PY) benchmarks/bench_sensitivity.py

clean:
	rm -rf reports .pytest_cache .ruff_cache
