# depthlab: `make demo` and `make test` set everything up on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast install release validate bench bench-otter bench-student doctor clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/depthlab demo

# --no-loadscope-reorder: tests/conftest.py orders the work (the two longest groups first);
# --durations: the slowest tests of every run, in CI's log
test: $(STAMP)
	bash scripts/install-browser.sh
	sh scripts/install-system-packages.sh
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --no-loadscope-reorder --durations=30

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

doctor: $(STAMP)
	$(BIN)/depthlab doctor

release: $(STAMP)
	$(BIN)/depthlab release

validate: $(STAMP)
	$(BIN)/depthlab validate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_grading.py $(BENCH_ARGS)

bench-otter: $(STAMP)
	$(BIN)/python benchmarks/bench_otter.py

bench-student: $(STAMP)
	$(BIN)/python benchmarks/bench_student.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) gradebook.db submitted autograded feedback .depthlab demo-output
