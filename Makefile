# qdialog – the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the suite runs in parallel, one process per core (pytest-xdist); PYTEST_ARGS="-n 0" for one
PYTEST_ARGS ?= -n auto

.PHONY: demo test install translations serve messages vendor clean help audit lint

help:
	@echo "make demo   – install, migrate, load the demo programme and serve at http://$(HOST):$(PORT)/"
	@echo "make test   – install if needed and run the whole test suite (in parallel)"
	@echo "make lint   – ruff over the code, the tests and the benchmarks"
	@echo "make audit  – check the locked dependencies for known vulnerabilities (needs internet)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/qdialog compiletranslations >/dev/null

# axe-core for the accessibility checks in the browser tests (from the npm registry).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	 else echo "npm not found: the accessibility checks in the browser tests will be skipped"; fi

demo: install
	@mkdir -p var
	$(BIN)/qdialog migrate --noinput -v0
	$(BIN)/qdialog seed-demo --if-missing
	@echo "Serving qdialog at http://$(HOST):$(PORT)/ (with a background worker for reports) – stop with Ctrl+C"
	@# DEBUG off: a visitor who meets an error sees qdialog's own page, never Django's technical one
	@DJANGO_DEBUG=false $(BIN)/qdialog worker --no-startup-delay >var/worker.log 2>&1 & worker=$$!; \
	 trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 DJANGO_DEBUG=false $(BIN)/qdialog runserver $(HOST):$(PORT)

test: install node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check qdialog tests bench scripts

# pip-audit lives in its own environment, so that the audit tool never changes the product's.
AUDIT_VENV  = .venv-audit
AUDIT_STAMP = $(AUDIT_VENV)/.installed-stamp
AUDIT_ARGS ?=

$(AUDIT_STAMP): requirements-audit.lock
	@test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-audit.lock
	@touch $(AUDIT_STAMP)

audit: $(AUDIT_STAMP)
	$(AUDIT_VENV)/bin/python scripts/audit_dependencies.py $(AUDIT_ARGS)

# Re-extract the translatable strings after changing texts, then translate locale/de/.
messages: $(STAMP)
	cd qdialog && ../$(BIN)/qdialog makemessages -l de -l en --no-obsolete --ignore "static/vendor/*"

# Re-vendor KERN UX and htmx from the npm registry into qdialog/static/vendor.
vendor:
	bash scripts/vendor-static.sh

clean:
	rm -rf $(VENV) node_modules var .pytest_cache test-artifacts
