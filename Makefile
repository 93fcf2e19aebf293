# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
N      ?= 1000 10000 100000

.PHONY: run test install install-dev browser index serve lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: build (or update) the index from corpus/, then serve the UI on http://$(HOST):$(PORT)/
run: install
	$(BIN)/corpus-search index --corpus corpus --index index
	$(BIN)/corpus-search serve --index index --host $(HOST) --port $(PORT)

## test: install what the tests need (Python packages, Debian's chromium) and run all tests
test: install-dev browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Debian's chromium and chromedriver for the browser tests, installed when missing.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

index: install
	$(BIN)/corpus-search index --corpus corpus --index index

serve: install
	$(BIN)/corpus-search serve --index index --host $(HOST) --port $(PORT)

## bench: the benchmark (bench/README.md); `make bench N=1000` for a quick one
bench: install-dev
	$(BIN)/python -m bench.run --n $(N)

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format indexer search_ui tests bench

clean:
	rm -rf $(VENV) index .pytest_cache .ruff_cache
