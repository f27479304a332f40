# One entry point for people and CI. `make demo` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= ../shared/data/klue-re/train.jsonl
DEMO_ROWS ?= 100
PIVOTS ?= en

.PHONY: setup demo test lint lock bench-translate clean-demo

# Exact versions from requirements/*.txt (`make lock` writes them from pyproject.toml's ranges);
# the project itself goes in editable, with no further resolution.
$(VENV)/.installed: requirements/dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

setup: $(VENV)/.installed

# The first command: real default models when they can be had (hub reachable, or ROUNDTRIP_MODEL_*
# pointing at local copies), else tiny offline ones (said in one line); ends with a before/after table.
demo: setup
	$(VENV)/bin/roundtrip demo --data $(DATA) --rows $(DEMO_ROWS) $(foreach p,$(PIVOTS),--pivot $(p)) --workdir var

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict
	$(VENV)/bin/lint-imports

# One lock per image: api (no torch), worker (translation and training), dev (everything, tests too).
# torch keeps its public version (2.13.0): pip takes the CPU build where one lies on disk.
LOCK := $(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe --upgrade
lock: setup
	$(LOCK) -o requirements/api.txt pyproject.toml
	$(LOCK) --extra augment --extra train --extra ops -o requirements/worker.txt pyproject.toml
	$(LOCK) --extra augment --extra train --extra ops --extra dev -o requirements/dev.txt pyproject.toml
	sed -i 's/^torch==\([0-9.]*\)+cpu/torch==\1/' requirements/*.txt

bench-translate: setup
	$(PY) bench/translate.py

clean-demo:
	rm -rf var
