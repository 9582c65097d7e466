# One target per job. Everything installs into .venv first, so each target works on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser test lint format bench gate demo clean chaos

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,translate,scale]'
	touch $(STAMP)

install: $(STAMP)

# The browser test drives Debian's headless Chromium; install it when it is missing (needs root).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

test: $(STAMP) browser
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check marsad tests bench
	$(BIN)/ruff format --check marsad tests bench
	$(BIN)/mypy marsad
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format marsad tests bench
	$(BIN)/ruff check --fix marsad tests bench

# Quality floors on the public evaluation data (../shared/eval or $$MARSAD_EVAL_DATA).
gate: $(STAMP)
	$(BIN)/python -m bench.gate

bench: $(STAMP)
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

# Issue 19's full chaos run (1,000 feeds x 10 articles; CI runs 200 x 2 in tests/scale).
# Needs PostgreSQL, RabbitMQ and Redis as the tests do; ~10k articles through both modes.
chaos: $(STAMP)
	MARSAD_CHAOS_FEEDS=1000 MARSAD_CHAOS_ITEMS=10 MARSAD_CHAOS_PAGE_DELAY=0.05 \
		$(BIN)/pytest -q -s tests/scale/test_chaos.py

demo: $(STAMP)
	$(BIN)/marsad demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
