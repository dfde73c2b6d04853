# The two commands a newcomer needs:   make book   and   make test
# Both set up .venv on first use (Python 3.11 and make are all you need).

# The first Python >= 3.11 found (3.11 preferred: it is what Binder and CI use).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
            command -v $$p >/dev/null 2>&1 && \
            $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
          done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Everything that can change the built site.
SOURCES := $(shell find book src -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null) \
           _config.yml _toc.yml requirements.txt
SITE   := _build/html/.built

.PHONY: book test unit lint serve clean bundle bench bench-chapters pdf help
.DEFAULT_GOAL := help

help:
	@echo "make book    build the site into _build/html (every cell executed, warnings are errors)"
	@echo "make test    build if stale, then run every test (unit, site, browser, Binder)"
	@echo "make unit    tests/unit and the doctests (no build, no browser): the fast check while writing"
	@echo "make lint    ruff (lint and format check) and lint-imports (run by make test too)"
	@echo "make serve   live preview on http://127.0.0.1:8000, reloads on save (PORT=8001 make serve)"
	@echo "make bundle  zip the site and the chapters as notebooks into _build/deep-learning-step-by-step-<version>.zip"
	@echo "make pdf     the whole book as one PDF: _build/pdf/deep-learning-step-by-step.pdf, also added to the site"
	@echo "make bench   time the build and the examples; writes _build/bench.json"
	@echo "make bench-chapters  each chapter executed alone (wall and kernel CPU seconds); _build/bench-alone.json"
	@echo "make clean   remove _build (keeps .venv)"

# Set-up: the Python environment; from npm, exactly as package-lock.json pins
# them, the browser assets the site serves itself (tippy), the build-time tools
# (MathJax typesets the maths, mermaid draws the diagrams, PurgeCSS removes the
# style rules no page uses) and axe-core for the browser tests.
$(STAMP): requirements.txt pyproject.toml package.json package-lock.json
	@test -n "$(PYTHON)" || { echo "error: no Python 3.11 or newer found; install one, or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js and npm (Debian: apt-get install -y nodejs npm)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SITE): $(STAMP) $(SOURCES)
	$(BIN)/python tools/build.py
	touch $@

book: $(STAMP)
	$(BIN)/python tools/build.py
	touch $(SITE)

# The browser tests need Chromium: .ci/browser.py finds one (CHROMIUM, the
# system's, Playwright's) or installs one, and stops with a clear message if
# it cannot.
test: $(SITE) lint
	@CHROMIUM="$$($(BIN)/python .ci/browser.py)" && export CHROMIUM && echo "browser: $$CHROMIUM" && \
	  $(BIN)/python -m pytest --cov=dlbook --cov-report=term-missing

# Lint and format (ruff), and the package's import floors (import-linter).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/python -m pytest -m unit --cov=dlbook --cov-report=term-missing

serve: $(STAMP)
	$(BIN)/python tools/serve.py --port $(or $(PORT),8000)

bundle: $(SITE)
	$(BIN)/python tools/bundle.py

# The whole book as one PDF, printed by Chromium from the built site
# (tools/pdf.py). It is also copied into _build/html, and the second build
# adds the site's links to it (every page is written again the first time;
# nothing is executed).
pdf: $(SITE)
	@CHROMIUM="$$($(BIN)/python .ci/browser.py)" && export CHROMIUM && $(BIN)/python tools/pdf.py
	$(BIN)/python tools/build.py
	touch $(SITE)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

bench-chapters: $(STAMP)
	$(BIN)/python benchmarks/bench.py --alone

clean:
	rm -rf _build
