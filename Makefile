# advisory: one virtual environment in .venv, installed from pyproject.toml.
# Each target is idempotent: a second run reinstalls only when pyproject.toml
# changed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
export MLFLOW_DISABLE_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-fast test-oldest lint typecheck contracts pytest pytest-fast browser postgres java bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "advisory needs Python >= 3.11; set PYTHON=python3.11"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-all: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-all

## demo: install the library with every extra and run the end-to-end demo
demo: $(VENV)/.installed-all
	$(BIN)/advisory demo --out advisory-demo

## test: install the development tools and run lint, type checks, the import contract and every test
test: $(VENV)/.installed-dev lint typecheck contracts pytest

## test-fast: the same checks and every test not marked slow (no browser needed), for each edit
test-fast: $(VENV)/.installed-dev lint typecheck contracts pytest-fast
# the audit report's browser test fails instead of skipping when chromium is missing
test pytest: export ADVISORY_REQUIRE_BROWSER := 1
# the oversight tests on PostgreSQL fail instead of skipping when the server is missing
test pytest: export ADVISORY_REQUIRE_POSTGRES := 1
# the linkage's Spark test fails instead of skipping when java is missing
test pytest: export ADVISORY_REQUIRE_JAVA := 1

## test-oldest: the fast lane in .venv-oldest, every core dependency at the lower bound of its range
OLDEST := .venv-oldest
$(OLDEST)/.installed: pyproject.toml
	rm -rf $(OLDEST)
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -c 'import re, tomllib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; print("\n".join(re.sub(r"^([A-Za-z0-9_.-]+)>=([^,]+).*$$", r"\1==\2", d) for d in deps))' > $(OLDEST)/lower-bounds.txt
	$(OLDEST)/bin/python -m pip install --quiet --constraint $(OLDEST)/lower-bounds.txt -e '.[dev]'
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pip list --format=freeze | grep -iE '^(numpy|pandas|scipy|scikit-learn|skops|tqdm)=='
	$(OLDEST)/bin/pytest -m "not slow" -n auto -p no:cacheprovider

## browser: Debian's chromium for the audit report's headless browser test (apt, as root or via sudo)
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "chromium is missing: install Debian's chromium package as root" >&2; exit 1; fi; \
	  command -v apt-get >/dev/null || { echo "chromium is missing and apt-get is not available: install chromium" >&2; exit 1; }; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## postgres: Debian's postgresql server binaries for the oversight tests (apt, as root or via sudo);
## the tests start their own throw-away server, so no service is enabled
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "postgresql is missing: install Debian's postgresql package as root" >&2; exit 1; fi; \
	  command -v apt-get >/dev/null || { echo "postgresql is missing and apt-get is not available: install postgresql" >&2; exit 1; }; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

## java: a Java 17 runtime for the linkage's Spark (local mode) test (apt, as root or via sudo)
java:
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "java is missing: install a Java 17 runtime as root" >&2; exit 1; fi; \
	  command -v apt-get >/dev/null || { echo "java is missing and apt-get is not available: install a Java 17 runtime" >&2; exit 1; }; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# the layers of [tool.importlinter] in pyproject.toml: each imports only those below it
contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports --no-cache

pytest: $(VENV)/.installed-dev browser postgres java
	$(BIN)/pytest

# the notebooks (minutes each) and the tests marked slow are left to `make test`
pytest-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not slow" -n auto tests src/advisory README.md

## bench: performance figures and ratios against named peers (not part of `make test`)
bench: $(VENV)/.installed-dev postgres
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(OLDEST) advisory-demo test-artifacts .pytest_cache .mypy_cache .ruff_cache
