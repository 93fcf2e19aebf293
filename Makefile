# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev index lint format bench clean

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

## run: build (or update) the index from corpus/, then show what is in it and a search
run: install
	$(BIN)/corpus-search index --corpus corpus --index index
	$(BIN)/corpus-search stats --index index
	$(BIN)/corpus-search search '"deportation machine" Amazon' --per-page 3 --index index

## test: install what the tests need and run all of them (lint included)
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

index: install
	$(BIN)/corpus-search index --corpus corpus --index index

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format indexer search_ui tests bench

clean:
	rm -rf $(VENV) index .pytest_cache .ruff_cache
