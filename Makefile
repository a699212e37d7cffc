# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first and pinned: an unpinned torch resolves to a CUDA build of several GB.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/maeum db upgrade
	$(VENV)/bin/maeum run

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .pytest_cache

# Before the first release the schema lives in one initial migration; this rebuilds it from
# the models. After a release, add a new revision instead (alembic revision --autogenerate).
initial-migration: install
	rm -f models/migrations/versions/0001_initial_schema.py /tmp/maeum-initial-migration.sqlite3
	$(PY) -c "from alembic import command; from models.migrate import alembic_config; command.revision(alembic_config('sqlite:////tmp/maeum-initial-migration.sqlite3'), message='initial schema', autogenerate=True, rev_id='0001')"
