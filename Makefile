# imagegate: every target installs what it needs into .venv, from a bare machine (Python 3.11, pip, node).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROMPT ?= a red apple to the left of a blue cup on a wooden table, soft morning light
# The prompt reaches `imagegate run` through the environment, never through the shell's parsing of the recipe, and
# unexpanded by make: quotes, $, backslashes and backticks (make run PROMPT='a sign that says "OPEN LATE"') stay as typed.
override PROMPT := $(value PROMPT)
export PROMPT
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: install run test synth bench soak lint-asl lint clean layer layer-lock chromium node-check

# pip brings in uv (a wheel from the package index, like every other dependency) and uv installs the project: the same
# distributions as pip resolved (same names and versions, checked), in 4-7 s instead of pip's 49 s (issue 29: a fresh
# clone's `make test`; uv downloads in parallel and keeps its own cache). pip stays in the venv, upgraded: infra/layer.py
# builds the Lambda layer with it. Bytecode is not compiled at install (uv's default; pip compiled every module of
# every package, aws_cdk's megabytes included, about 30 s of CPU): a module is compiled the first time it is
# imported, and only the modules used are. uv reads no pip configuration (an index mirror, find-links, constraints
# in pip.conf or PIP_* variables): where uv cannot install, pip installs as before, with that configuration.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv && $(VENV)/bin/uv pip install --quiet --python $(PY) --upgrade pip -e ".[local,cdk,dev]" \
		|| $(PY) -m pip install --quiet --upgrade pip -e ".[local,cdk,dev]"
	touch $(STAMP)

install: $(STAMP)

# A run that ends EXHAUSTED (exit 3: the gate did not pass within the rounds or budget) is a finished
# job with a result, not a broken target; BLOCKED (4), FAILED (5) and bad input (2) still fail make.
run: $(STAMP)
	$(VENV)/bin/imagegate run "$$PROMPT" || [ $$? -eq 3 ]

# The suite on every core and one worker more (pytest-xdist's -n auto, counted in tests/conftest.py: much of the
# suite waits on subprocesses, browsers and polls; --dist loadfile keeps a test file on one worker, so a module-scoped
# `imagegate serve` or runtime starts once, and tests/conftest.py keeps tests/infra on one worker, so the CDK app is
# synthesized once); TEST_WORKERS=0 runs it in one process, TEST_WORKERS=N on N workers.
# tests/conftest.py prints the wall time and the machine's load. Bytecode is written (PYTHONDONTWRITEBYTECODE
# unset, __pycache__ is git-ignored): with it set, every worker compiled and assertion-rewrote every test module
# again (collection 11.3 s -> 5.0 s a worker) and every `imagegate serve`/`run` a test starts compiled the project.
# The checks before it run side by side (a make inside the recipe with -j, so a plain `make test` has it; any one
# failing fails the target): mypy's cold start (about 5 s on one core) overlaps npx fetching the validator and pip
# fetching the layer's wheels, which mostly wait on the network.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory -j4 --output-sync=target lint-asl lint layer chromium
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

# The web console's browser tests (tests/e2e/console) drive Debian's chromium through Playwright
# (Playwright's own browser download is not reachable); CI runs as root on a bare Debian machine.
chromium:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# ruff (lint rules and format) over the repository, mypy --strict over the Lambda code (pyproject.toml configures both).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The workflows through asl-validator: the loop and the enhancement as written, the benchmark as composed with the loop's states.
lint-asl: $(STAMP)
	mkdir -p build
	$(PY) -c "from imagegate_service.workflows import benchmark_definition; print(benchmark_definition())" > build/benchmark.composed.asl.json
	npx --yes asl-validator@4 --json-path statemachine/quality_loop.asl.json --json-path statemachine/enhance.asl.json --json-path statemachine/benchmark.asl.json --json-path build/benchmark.composed.asl.json

# The Lambda dependencies layer: the hashed lock installed for the functions' Python and architecture
# (infra/layer.py) into build/layer/, rebuilt only when the lock changes (build/layer.stamp holds its fingerprint).
LAYER_STAMP := build/layer.stamp
$(LAYER_STAMP): infra/layers/dependencies/requirements.lock infra/layer.py | $(STAMP)
	$(PY) -m infra.layer build

layer: $(LAYER_STAMP)

# After editing infra/layers/dependencies/requirements.in: pin and hash again (needs uv and the package index).
layer-lock: $(STAMP)
	$(PY) -m pip install --quiet uv
	$(PY) -m infra.layer lock

# The CDK supports Node.js 22 (until 2027-10-30) and 24 (until 2028-10-30); Node 20's support ended 2026-10-30
# (https://docs.aws.amazon.com/cdk/v2/guide/node-versions.html, docs/deploy.md). An older node still synthesizes
# (jsii prints its own banner, silenced above): a warning, not a failure.
NODE_SUPPORTED_MIN := 22
NODE_SUPPORTED_MAX := 24
node-check:
	@major=$$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); \
	if [ "$$major" -lt $(NODE_SUPPORTED_MIN) ] || [ "$$major" -gt $(NODE_SUPPORTED_MAX) ]; then \
		echo "warning: Node.js $$(node --version 2>/dev/null || echo 'not found') is outside the range the AWS CDK supports ($(NODE_SUPPORTED_MIN)-$(NODE_SUPPORTED_MAX)); see docs/deploy.md, Prerequisites" >&2; \
	fi

synth: $(STAMP) layer node-check
	$(PY) app.py

bench: $(STAMP)
	$(PY) -m imagegate.perf

# N quality loops at once under 30% throttling, 5% garbage/refused verdicts and 5% filtered images, then an
# audit of the stored records; the last line is the JSON summary (imagegate/soak.py). Not part of `make test`.
RUNS ?= 300
soak: $(STAMP)
	$(PY) -m imagegate.soak --runs $(RUNS)

clean:
	rm -rf $(VENV) cdk.out build .pytest_cache
