# The two quick-start commands are `make run` and `make test`; both install first.
# Python 3.11 or 3.12 (pyproject's requires-python). 3.11 is preferred when both are there: the
# Dockerfile and docs/benchmarks.md use it. PYTHON=python3.12 picks 3.12 (after `make clean`).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ESCO_SOURCE ?= ../shared/data/esco/v1.2.0

.PHONY: install run test test-deps bench snapshot clean

## install: .venv with everything, the ONNX export and the ESCO index (idempotent)
install: $(STAMP)
	$(BIN)/skillgraph setup

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 12), "SkillGraph needs Python 3.11 or 3.12"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

## run: serve the REST API on http://127.0.0.1:8000 (embedded defaults)
run: install
	$(BIN)/skillgraph serve

## test: lint, type check and the whole test suite
test: install test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile
	$(BIN)/pytest

## test-deps: the Virtuoso server the knowledge-graph tests start and the headless Chromium
## the web page's browser test drives (Debian packages, installed once)
test-deps:
	@command -v virtuoso-t >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    virtuoso-opensource-7-bin >/dev/null; }
	@{ command -v chromium && command -v chromedriver; } >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    chromium chromium-driver >/dev/null; }

## bench: every figure in docs/benchmarks.md (needs ../shared; about 95 minutes on two cores)
bench: install
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/profiles.py
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/memory.py
	$(BIN)/python benchmarks/procedure.py
	$(BIN)/python benchmarks/step_linking.py
	$(BIN)/python benchmarks/procedure_figures.py
	$(BIN)/python benchmarks/occupations.py
	$(BIN)/python benchmarks/rdf.py
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/training.py runs/ablation-*

## snapshot: rebuild the shipped ESCO snapshot from the official CSV export
snapshot: $(STAMP)
	$(BIN)/python -m ontology.build_snapshot $(ESCO_SOURCE) ontology/data/esco-v1.2.0-en.json.gz

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
