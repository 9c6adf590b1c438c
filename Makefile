# tariffsim — set-up, demo, tests, benchmarks.
# `make demo` and `make test` each create .venv when needed and install the package into it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast typecheck docs lint format bench bench-env browser-deps bundle clean

# An editable install leaves the package's own modules uncompiled (a wheel install compiles them):
# compileall does it once, so the first commands do not (nor every command in a shell with
# PYTHONDONTWRITEBYTECODE=1: about 0.1 s each).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,ray]'
	$(PY) -m compileall -q src
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tariffsim demo

# Chromium for the browser tests comes from Debian's packages (no browser downloads at run time).
# CI runs `make test` as root on a fresh machine and must run the browser tests (they are the only
# check that the dashboard renders), so there a failed install is an error; elsewhere (not root, no
# apt) it is a warning and the browser tests are skipped with that reason.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || { echo "error: could not install chromium"; [ -z "$$CI" ]; }; \
	  elif [ -n "$$CI" ]; then echo "error: chromium not found and cannot be installed (not root)"; exit 1; \
	  else echo "warning: chromium not found; browser tests will be skipped"; fi; }

# Everything CI runs (.ci/run): lint, type check, the whole suite (slow, browser and Ray tests too).
test: $(STAMP) browser-deps
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(PY) scripts/typecheck.py
	$(PY) -m pytest -n 2 --dist loadgroup -q

# The edit-test loop (under a minute on two cores): lint, then the unit and property tests, the
# legal cases and the repository checks, without the tests marked slow. The golden tests against
# the full reference data and the end-to-end tests run in `make test`.
FAST_TESTS := tests/unit tests/property tests/golden/test_schedule_cases.py $(wildcard tests/test_*.py)
# Modules whose tests are all slow and whose import alone costs seconds (schemathesis reads the app's
# OpenAPI schema at import): not even collected by the fast loop.
FAST_SKIP := --ignore=tests/unit/test_web_schemathesis.py -p no:schemathesis
test-fast: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(PY) -m pytest -n 2 --dist loadgroup -q -m "not slow" $(FAST_SKIP) $(FAST_TESTS)

# mypy (settings in pyproject.toml) against the per-file baseline scripts/typecheck-baseline.txt.
typecheck: $(STAMP)
	$(PY) scripts/typecheck.py

# Generated documentation: docs/cli.md from the CLI's --help.
docs: $(STAMP)
	$(PY) scripts/gen_cli_docs.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

format: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks scripts
	$(VENV)/bin/ruff check --fix src tests benchmarks scripts

bench: $(STAMP)
	$(PY) benchmarks/run.py all

# NegMAS (AGPL) is a benchmark reference only: it lives in its own environment, never in .venv.
bench-env:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet negmas==0.16.0 numpy

bundle: $(STAMP)
	$(PY) scripts/build_bundle.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
