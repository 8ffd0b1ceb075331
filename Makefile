# Two entry points for a fresh machine with Python 3 and make:
#   make demo   -> own virtualenv, install, serve the demo API on 127.0.0.1:6543
#   make test   -> own virtualenv, install, lint + type check + whole suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint typecheck unit distcheck bench clean

$(BIN)/.installed: pyproject.toml demo/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install -q -e . -e ./demo --group dev
	touch $@

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install -q --group benchmark
	touch $@

# What the demo needs and no more: the kit from this repository and the
# demo's own project (demo/pyproject.toml: the kit's docs extra, waitress),
# both editable; not the development tools.
$(BIN)/.demo-installed: pyproject.toml demo/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e . -e ./demo
	touch $@

demo: $(BIN)/.demo-installed
	$(BIN)/pserve demo/development.ini

lint: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r pyramid_restkit --severity-level medium

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report
	@# Parsers, negotiation and method override: every line and branch.
	$(BIN)/coverage report --fail-under=100 \
	    --include='pyramid_restkit/formats/*,pyramid_restkit/negotiation.py,pyramid_restkit/tweens.py'

# The sdist and the wheel as users get them: built in isolation, checked
# by twine, installed into a fresh virtualenv outside the source tree.
distcheck: $(BIN)/.installed
	rm -rf dist
	$(BIN)/python -m build -q --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(BIN)/python .ci/check_dist.py dist

test: lint typecheck unit distcheck

bench: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) dist .coverage .mypy_cache .ruff_cache .pytest_cache
