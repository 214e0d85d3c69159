# The README's two commands: `make demo` (install, then analyze and render the shipped
# models) and `make test` (install with dev extras, then ruff, mypy and pytest).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MODELS := $(sort $(wildcard models/*.yaml))

.PHONY: demo test lint typecheck pytest diagrams golden schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/threatmodel validate $(MODELS)
	@mkdir -p out
	@for model in $(MODELS); do \
	  name=$$(basename $$model .yaml); \
	  $(BIN)/threatmodel analyze $$model || exit 2; \
	  $(BIN)/threatmodel analyze $$model --format json -o out/$$name.json || exit 2; \
	  $(BIN)/threatmodel analyze $$model --format markdown -o out/$$name.md || exit 2; \
	done
	@echo "reports written to out/"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check threatmodel tests benchmarks
	$(BIN)/ruff format --check threatmodel tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

schema: $(VENV)/.installed
	$(BIN)/threatmodel schema > threatmodel.schema.json

golden: $(VENV)/.installed-dev
	$(BIN)/pytest --update-golden

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
