# JSW Performance Workbook. Run `make` to list the targets.
# Needs only Python 3.11 and make: every target creates .venv and installs the package first.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.jsw-installed
DEMO   := data/demo
DEMO_STAMP := $(DEMO)/manifest.json

.DEFAULT_GOAL := help
.PHONY: help install demo-data validate compute report test browser-deps lint bench lab docs clean

help: ## List the targets with one line each
	@echo "JSW Performance Workbook - make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

install: $(STAMP) ## Create .venv and install jswlib with its dependencies (re-used when up to date)

$(DEMO_STAMP): $(STAMP) jswlib/data/demo.py jswlib/definitions/schema.py params/councils.yaml
	$(BIN)/jsw demo-data --out $(DEMO)

demo-data: $(DEMO_STAMP) ## Create the synthetic national demo data in data/demo when it is missing or stale

validate: $(DEMO_STAMP) ## Validate the demo data: rows read, accepted and rejected per table, rejects file in outputs/
	$(BIN)/jsw validate $(DEMO) --out outputs/validation/demo

compute: $(DEMO_STAMP) ## Compute every indicator on the demo data into outputs/results/demo.parquet
	$(BIN)/jsw compute --data $(DEMO) --out outputs/results/demo.parquet

report: $(DEMO_STAMP) ## Produce the reports of all 32 councils for the latest complete quarter of the demo data
	$(BIN)/jsw batch --data $(DEMO)

test: lint $(DEMO_STAMP) browser-deps ## Lint, set up as for report, then run the whole test suite (the command CI runs)
	$(BIN)/python -m pytest

browser-deps: ## Install Chromium and pdftotext (Debian packages) for tests/test_browser.py when missing; needs root
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium poppler-utils; } \
			|| echo "could not install chromium and poppler-utils: tests/test_browser.py will skip"; \
	else \
		echo "chromium or pdftotext is missing and this is not root: tests/test_browser.py will skip"; \
		echo "(as root: apt-get install chromium poppler-utils)"; \
	fi

lint: $(STAMP) ## Check formatting and lint with ruff (settings in pyproject.toml); changes nothing
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

bench: $(DEMO_STAMP) ## Benchmarks: jsw compute (demo, 10x), jsw batch (warm, fresh, back-run, plain way), one report's parts
	$(BIN)/python bench/bench_compute.py --scales 1 10
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_report.py

lab: $(DEMO_STAMP) ## Open JupyterLab on notebooks/ with jswlib importable
	$(BIN)/jupyter lab --notebook-dir=notebooks

docs: $(STAMP) ## Regenerate docs/data-contract.md and docs/api.md from the code
	$(BIN)/python -m jswlib.run.docs docs

clean: ## Remove outputs and the demo data (keeps .venv)
	rm -rf outputs/* $(DEMO)
	@touch outputs/.gitkeep
