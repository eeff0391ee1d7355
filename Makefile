# segproof developer targets. `make demo` and `make test` work on a fresh clone by themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck golden bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	@echo "== segproof verify topologies/campus  (exit code 1 = violation found, as intended) =="
	-$(BIN)/segproof verify topologies/campus
	@echo
	@echo
	@echo "== segproof remediate topologies/campus: the smallest fix, proven on the model =="
	$(BIN)/segproof remediate topologies/campus

test: setup
	$(BIN)/pytest -q -n 2 --dist loadgroup

lint: setup
	$(BIN)/ruff check agent tests
	$(BIN)/ruff format --check agent tests

typecheck: setup
	$(BIN)/mypy

golden: setup
	SEGPROOF_REGEN_GOLDEN=1 $(BIN)/pytest -q tests/vendors tests/templates tests/remediation -k golden
	@git status --short tests/ | head -n 50

bench: setup
	$(BIN)/python -m tests.bench.run --sizes 50 200 500 1000
	$(BIN)/python -m tests.bench.collect --devices 200 --workers 50

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
