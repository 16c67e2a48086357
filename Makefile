# The two commands of the README. Each sets up what it needs first (uv, the locked environment).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

# uv from PATH, else a private copy installed with the machine's own Python.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: serve test setup lint

serve: setup .env
	$(UV) run --frozen python -m app serve

test: setup
	$(UV) run --frozen pytest

setup: $(UV)
	$(UV) sync --frozen --quiet

lint: setup
	$(UV) run --frozen ruff check app tests migrations bench
	$(UV) run --frozen ruff format --check app tests migrations bench
	$(UV) run --frozen mypy

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet 'uv>=0.9,<1'

# A local .env with a generated SECRET_KEY, so sessions survive restarts of `make serve`.
.env:
	@printf '# Written by `make serve`; see .env.example for every setting.\nSECRET_KEY=%s\n' \
		"$$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "Wrote .env with a new SECRET_KEY"
