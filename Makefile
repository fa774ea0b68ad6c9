# Two commands for a fresh machine (see README):
#   make run    creates the virtualenv, installs, migrates, loads demo data and serves on :8000
#   make test   runs the test suite (SQLite, tasks in-process)
#   make check  runs what CI runs, but for its PostgreSQL and Redis part: the lints, then the tests
VENV := .venv
PY := $(VENV)/bin/python
DEV := DEBUG=1

.PHONY: run test install lint check format clean mutation

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || { python=$$(sh scripts/find-python) && $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py demo_data
	@echo "→ http://127.0.0.1:8000 (comptes de démonstration : voir README)"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(DEV) $(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV) $(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

check: lint test

# Mutation testing of one group of rules (README, « Tests de mutation »): make mutation GROUP=roadmap
mutation: $(VENV)/.installed
	@test -n "$(GROUP)" || { echo "GROUP=scoring|roadmap|access|consents|waitlist" >&2; exit 2; }
	scripts/mutation $(GROUP)

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) data staticfiles
