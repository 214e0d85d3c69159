# The README's two commands: `make demo` (install, then analyze and render the shipped
# models) and `make test` (install with dev extras, then ruff, mypy and pytest).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MODELS := $(sort $(wildcard models/*.yaml))

MERMAID := tools/mermaid

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
	  $(BIN)/threatmodel render $$model -o out || exit 2; \
	done
	@echo "reports and diagrams written to out/"

# Mermaid's own parser, for tests/test_mermaid.py: installed when npm can fetch it; without
# node (or the npm registry) those tests are skipped and say why.
$(MERMAID)/node_modules/.installed: $(MERMAID)/package.json $(MERMAID)/package-lock.json
	@if command -v npm >/dev/null 2>&1 && \
	  npm ci --prefix $(MERMAID) --no-audit --no-fund --silent \
	    --fetch-timeout=60000 --fetch-retries=1 >/dev/null 2>&1; then \
	  touch $@; \
	else \
	  echo "note: Mermaid's parser not installed (needs node and npm): its tests are skipped"; \
	fi

test: $(VENV)/.installed-dev $(MERMAID)/node_modules/.installed
	$(BIN)/ruff check threatmodel tests benchmarks scripts
	$(BIN)/ruff format --check threatmodel tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest

# Scenarios whose setting differs from the default one, read from analyze's JSON.
CHANGED_SCENARIOS := import json, sys; d = json.load(sys.stdin); \
  print(" ".join(s for s, v in sorted(d["scenarios"].items()) if v != d["default"]["values"]))

# diagrams/: every shipped model's scenarios, and what each scenario changes from the
# default setting, as SVG (drawn by the in-process Graphviz, so that the files do not
# depend on a local install) and as DOT.  tests/test_render_diagrams.py fails when stale.
diagrams: $(VENV)/.installed
	rm -rf diagrams
	@mkdir -p diagrams
	@for model in $(MODELS); do \
	  for format in svg dot; do \
	    $(BIN)/threatmodel render $$model -o diagrams --backend wasm --format $$format \
	      >/dev/null || exit 2; \
	  done; \
	  scenarios=$$($(BIN)/threatmodel analyze $$model --format json \
	    | $(BIN)/python -c '$(CHANGED_SCENARIOS)') || exit 2; \
	  for scenario in $$scenarios; do \
	    for format in svg dot; do \
	      $(BIN)/threatmodel render $$model -o diagrams --backend wasm --format $$format \
	        --diff default $$scenario >/dev/null || exit 2; \
	    done; \
	  done; \
	done
	@echo "diagrams written to diagrams/"

schema: $(VENV)/.installed
	$(BIN)/threatmodel schema > threatmodel.schema.json

golden: $(VENV)/.installed-dev
	$(BIN)/pytest --update-golden

clean:
	rm -rf $(VENV) $(MERMAID)/node_modules out .pytest_cache .mypy_cache .ruff_cache .hypothesis
