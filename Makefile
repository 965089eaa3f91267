# Async First Steps — two commands: `make lab` and `make test`.
# Needs only Python 3.10+ and make. Everything else goes into .venv (created if absent).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
# nbval: a stuck cell or kernel fails instead of hanging CI.
NBVAL  := --nbval-lax --nbval-cell-timeout=180 --nbval-kernel-startup-timeout=120
PYTEST ?=

.PHONY: help install lab test test-fast test-endpoint lint bench clean-aws clean

help:
	@echo "make lab        open JupyterLab on notebooks/ (moto backend: no AWS account needed)"
	@echo "make test       unit tests + every notebook (nbval) + the real-browser run"
	@echo "make lint       ruff on helpers, tests and notebooks"
	@echo "make bench      benchmark: how long the workshop takes, what each demo costs"
	@echo "make clean-aws  delete everything this workshop created under your prefix (aws backend)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed: " + sys.version' 
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

# Every Jupyter kernel of .venv loads helpers.core.display: after a kernel restart, a NameError
# says to run the cells above (docs/instructor.md, Troubleshooting).
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
$(KERNEL_CONFIG): | $(STAMP)
	$(BIN)/python -c "from helpers.core.display import install_kernel_config; print(install_kernel_config())"

install: $(STAMP) $(KERNEL_CONFIG)

# As root (containers, CI machines) JupyterLab refuses to start without --allow-root.
lab: install
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

# Every test: unit tests of helpers, every notebook under nbval, and the real-browser run.
# XDIST: two processes, each taking one file at a time (a notebook keeps its kernel, the browser run
# its JupyterLab), in collection order, so the longest file (tests/browser) starts first. Most of a
# notebook's time is the shop's simulated waits: two fit on two cores. `make test XDIST=`: one process.
XDIST ?= -n 2 --dist loadfile --no-loadscope-reorder
test: install
	$(BIN)/python -m pytest tests notebooks $(NBVAL) $(XDIST) $(PYTEST)

# Unit tests only (no notebooks, no browser): quick feedback while editing helpers.
test-fast: install
	$(BIN)/python -m pytest tests -m "not browser" $(PYTEST)

# The same tests and notebooks over real HTTP: WORKSHOP_BACKEND=aws against a moto server on 127.0.0.1.
# 99_cleanup runs last; then a fresh process lists the prefix again and fails unless nothing is left.
test-endpoint: install
	$(BIN)/python -m helpers.core.moto_endpoint -- sh -c '$(BIN)/python -m pytest tests notebooks -m "not browser and not hub" $(NBVAL) $(PYTEST) && $(BIN)/python -m helpers.core.cleanup'


lint: install
	$(BIN)/ruff check helpers tests notebooks bench hub tools

# Save the notebooks' #@save cells (the lesson's code) into helpers/<chapter>/lesson.py; a test fails on drift.
lessons: install
	$(BIN)/python -m helpers.core.lessons

bench: install
	$(BIN)/python -m bench

clean-aws: install
	WORKSHOP_BACKEND=$${WORKSHOP_BACKEND:-aws} $(BIN)/python -m helpers.core.cleanup

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts

# A class on a local JupyterHub: three attendees, each notebook through the hub (docs/hub.md).
# Needs Node.js and npm for configurable-http-proxy (installed into hub/node_modules).
test-hub: install
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20+ and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --prefix hub --no-audit --no-fund --loglevel=error
	$(BIN)/python -m pytest tests/test_hub.py -m hub $(PYTEST)

# Capacity: N attendees at once (1, 2, 4, …) until cells slow down 2x; writes bench/results/hub.json,
# bench/results/hub.png and the sizing table in docs/instructor.md and docs/hub.md. LOAD="--max-attendees 4" to pass options.
load-test: install
	$(BIN)/python -m bench.load $(LOAD)

.PHONY: test-hub load-test lessons

# Japanese edition (README.ja.md): update the catalogs in locale/ from the English (new entries, changed
# ones fuzzy, removed ones obsolete), then regenerate notebooks/ja/. `python -m helpers.core.i18n check`
# (also a test) fails while anything is out of step, untranslated or fuzzy.
i18n: install
	$(BIN)/python -m helpers.core.i18n extract
	$(BIN)/python -m helpers.core.i18n build

# Under test, a glyph missing from the fonts of a Japanese figure fails its cell (nbval) instead of drawing a box.
test test-endpoint: export WORKSHOP_STRICT_GLYPHS := 1

.PHONY: i18n
