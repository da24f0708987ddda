# Everything installs itself from uv.lock; `make demo` and `make test` work on a fresh machine.
UV_VERSION := 0.13.8
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test-setup bytecode demo test test-fast lint docs bench soak eval clean browser postgres proxy ocr oidc

setup: ocr $(VENV)/.compiled bytecode

# --all-extras: a fresh machine gets the trust's DuckDB extensions (socialaudit[trust]) and the review app's server
# (socialaudit[review]) besides the dev group (the tests, Playwright), so the demo and every test run. A school
# installs only what it uses: `uv sync --no-dev` (plus `--extra review` for the review app, `--extra meta` for a
# Facebook Page or Instagram account); docs/etl-setup.md installs the wheel the same way.
SYNC := $(UV) sync --frozen --python 3.11 --all-extras

$(VENV)/.synced: uv.lock pyproject.toml Makefile | $(UV)
	$(SYNC)
	@touch $@

# --compile-bytecode: as pip does by default. uv leaves it out, and where PYTHONDONTWRITEBYTECODE is set (this
# machine, many containers) no cache is ever written: every run compiled Prefect and its imports from source,
# about 10 s of a weekly run (benchmarks/run_cost.py). Every installed module, ~13,600 files: ~11 s on 2 cores.
$(VENV)/.compiled: $(VENV)/.synced | $(UV)
	$(SYNC) --compile-bytecode
	@touch $@

# The tests' set-up leaves the installed modules to be compiled as they are first imported: the tests write
# bytecode (PYTEST below), and a whole `make test` imported ~5,500 of the ~13,600 files. Compiling them all first
# was ~29 s of CPU of a clean clone's `make test`, in its first ~15 s.
test-setup: ocr $(VENV)/.synced bytecode

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# The project's own packages are installed editable, so nothing compiles them ahead: where PYTHONDONTWRITEBYTECODE
# is set, every process compiled each of the project's modules it imported (about 0.3 s of CPU in a tiny school's
# run). Compiled here, only what changed since the last time; tests/test_architecture.py holds the list to the
# product's packages.
PACKAGES := platforms connectors sandbox warehouse checks flows dashboards benchmarks

bytecode: $(VENV)/.synced
	@$(BIN)/python -m compileall -q -j 0 $(PACKAGES)

demo: setup
	$(BIN)/socialaudit demo

lint: test-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright's own download does not work offline). Installed with
# apt-get when missing and we are root (CI's fresh machine); otherwise say how, and the tests fail under CI=true.
CHROMIUM := /usr/bin/chromium

browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "$(CHROMIUM) is missing: run 'sudo apt-get install chromium' for the browser tests" >&2; fi

# Text in images is read by Debian's Tesseract with its English model (docs/image-reading.md): the run itself needs
# it (school.toml [images] read = false does without), so `setup` installs it when missing and we are root.
ocr:
	@if ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 && ldconfig -p | grep -q libtesseract; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing tesseract-ocr for reading images"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng; \
	else echo "tesseract is missing: run 'sudo apt-get install tesseract-ocr tesseract-ocr-eng' to read images" >&2; fi

# The trust tests start a throwaway PostgreSQL cluster (initdb/pg_ctl from Debian's postgresql), as for chromium.
postgres:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing postgresql for the trust tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else echo "initdb is missing: run 'sudo apt-get install postgresql' for the trust tests" >&2; fi

# The proxy test starts Debian's tinyproxy (a real HTTP proxy) and sends a run through it, as for chromium.
proxy:
	@if command -v tinyproxy >/dev/null || [ -x /usr/bin/tinyproxy ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing tinyproxy for the proxy test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tinyproxy; \
		systemctl disable --now tinyproxy >/dev/null 2>&1 || true; \
	else echo "tinyproxy is missing: run 'sudo apt-get install tinyproxy' for the proxy test" >&2; fi

# The sign-in tests start a real OpenID Connect provider: the `oidc-provider` package on node, pinned by
# tests/oidc_provider/package-lock.json. node and npm from apt when missing and we are root, as for chromium.
OIDC_PROVIDER := tests/oidc_provider

oidc:
	@if command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing node for the sign-in tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	else echo "npm is missing: run 'sudo apt-get install nodejs npm' for the sign-in tests" >&2; fi
	@if [ -d $(OIDC_PROVIDER)/node_modules/oidc-provider ] || ! command -v npm >/dev/null; then :; \
	else npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error; fi

# The tests write bytecode even where PYTHONDONTWRITEBYTECODE is set: only then does pytest keep the test modules it
# rewrites (collection took 9 s a worker instead of 4), and the `socialaudit` processes the tests start load
# modules compiled once instead of compiling them each time.
#
# Their temporary files (pytest's tmp_path, and the temporary files of every process they start: TMPDIR) go to
# /dev/shm where it is a tmpfs with 8 GiB or more free: a make test-fast wrote ~2.2 GB of warehouses, backups and
# schools into ~11,500 files, and on this machine's disk that cost the loop ~9 s (two runs each way, alternating);
# in RAM, and only while their tests run (tmp_path_retention_policy in pyproject.toml), it costs nothing after.
# Elsewhere (a container's 64 MB /dev/shm, another system) the default temporary folder. TEST_TMPDIR= to choose.
TEST_TMPDIR ?= $(shell free=$$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $$4}'); \
	[ "$${free:-0}" -ge 8388608 ] && echo /dev/shm)
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR)) $(BIN)/pytest

# As many workers as the machine has cores, at most 8 (PYTEST_WORKERS=1 for one process; a large machine does not
# make the session fixtures below for dozens of workers). A worker more than the cores finished sooner alone, as it
# kept the cores busy while tests waited on real servers and their clocks; beside another suite, whose work fills
# those waits, each extra process only made the work dearer: two suites side by side at one commit used less CPU and
# finished sooner with a worker a core each than with one more each. With loadscope, tests/xdist_scheduling.py
# hands each worker whole modules (a module's audited week is made once, not once per worker), keeps the modules
# that read one shared week together, and hands out the longest units first (by tests/unit_seconds.json). One
# Prefect server serves every worker (started before them); the other session fixtures (the migrated warehouse
# template, the Postgres cluster) are made once in each worker.
PYTEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 8 ? n : 8 )))
# `-n N --dist loadscope` for N workers, nothing for one (a single process).
parallel = $(if $(filter 1,$(1)),,-n $(1) --dist loadscope)
PARALLEL := $(call parallel,$(PYTEST_WORKERS))

# The documentation site into site/ (tests/test_docs_site.py builds it the same way under `make test`).
docs: setup
	$(BIN)/mkdocs build --strict

# What CI runs: lint, types and every test (the docs site's strict build among them); it fails if any of them
# fails. mypy runs beside the tests: one process, ~47 s of CPU from cold. The suite keeps both cores busy (98% of a
# clean clone's run), so beside costs what after would, less the wait for its answer at the end.
test: test-setup browser postgres proxy oidc
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@types_out=$$(mktemp); $(BIN)/mypy > $$types_out 2>&1 & types=$$!; \
	$(PYTEST) $(PARALLEL); tests=$$?; \
	wait $$types; typed=$$?; echo "$(BIN)/mypy (beside the tests)"; cat $$types_out; rm -f $$types_out; \
	[ $$typed = 0 ] || exit $$typed; exit $$tests

# The loop while working: the unit and component tests, without whole audits (e2e), Chromium (browser) or the
# few component tests marked slow, on as many workers as `make test` (on two cores, two workers finished the loop
# sooner than three). `make lint` is apart: run it before a commit.
test-fast: test-setup
	$(PYTEST) $(PARALLEL) -m "not e2e and not browser and not slow"

# One table of figures, each with its goal and the load while it was measured, written to
# benchmarks/results/bench.json and docs/results/bench.md. BENCH=--quick for the loop (a few minutes).
BENCH ?=

bench: setup
	$(BIN)/python -m benchmarks $(BENCH) $(foreach dir,$(INDEPENDENT),--independent $(dir))

# The soak (benchmarks/soak.py): SOAK_RUNS trust runs of three small schools, each beside the image reader under
# load, with glibc's and Python's own heap checks on, counting crashes (goal: none) into benchmarks/results/soak.json.
# About half an hour on an idle 2-core machine; `make soak SOAK_RUNS=3` to check it works. Not part of `make bench`.
SOAK_RUNS ?= 30
SOAK ?=

soak: setup
	$(BIN)/python -m benchmarks.soak --runs $(SOAK_RUNS) $(SOAK)

# Precision and recall of the identity rules on labelled sample schools the tests do not use (default, extended
# and blind forms), with the Splink record-linkage baseline beside them (a dev dependency), and on schools labelled
# by an independent generator when you name them: make eval INDEPENDENT="DIR ..." (labels at DIR.labels.json).
# Written to benchmarks/results/eval.json (with each set's figures) and docs/results/eval.md beside the quality bars.
INDEPENDENT ?=

eval: setup
	$(BIN)/python -m benchmarks.eval_results $(foreach dir,$(INDEPENDENT),--independent $(dir))

clean:
	rm -rf demo-output site .pytest_cache .mypy_cache .ruff_cache
