# Two commands do all the set-up on a fresh machine (Python 3.11, pip, make):
#   make demo   creates .venv if missing, installs, runs the main job on the sample data
#   make test   installs the test extra, lints (ruff), type-checks the pure core (mypy) and runs the tests (the import-layer check among them)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test install bench bench-send bench-skip bench-write-back clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/batch-updater run sample_data/tickets.xlsx --sandbox --report reports/demo.xlsx; \
	  rc=$$?; echo "(exit code $$rc: 1 means some rows were not ok: a few sample rows are invalid on purpose; see reports/demo.xlsx)"; \
	  [ $$rc -le 1 ]

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check batch_updater tests
	$(VENV)/bin/mypy
	$(PY) -m pytest

bench: $(VENV)/.installed-test
	$(PY) bench/bench_dry_run.py

bench-send: $(VENV)/.installed-test
	$(PY) bench/bench_send.py --at HEAD

bench-skip: $(VENV)/.installed-test
	$(PY) bench/bench_skip_unchanged.py

bench-write-back: $(VENV)/.installed-test
	$(PY) bench/bench_write_back.py

clean:
	rm -rf $(VENV) build *.egg-info
