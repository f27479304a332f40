# One entry point for people and CI. `make demo` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= ../shared/data/klue-re/train.jsonl
DEMO_ROWS ?= 500

.PHONY: setup demo test lint bench-translate clean-demo

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[augment,train,dev]"
	touch $@

setup: $(VENV)/.installed

# Offline demo: tiny models (they translate nonsense), then the real pipeline on the first rows of KLUE-RE.
demo: setup
	mkdir -p var
	$(VENV)/bin/roundtrip models build-tiny var/tiny-models --data $(DATA)
	head -n $(DEMO_ROWS) $(DATA) > var/demo-input.jsonl
	set -a && . var/tiny-models/tiny.env && set +a && \
	ROUNDTRIP_DATABASE_URL=sqlite:///$(CURDIR)/var/demo-cache.db \
	$(VENV)/bin/roundtrip augment var/demo-input.jsonl --pivot en --pivot ja --out var/demo-augmented.jsonl

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench-translate: setup
	$(PY) bench/translate.py

clean-demo:
	rm -rf var
