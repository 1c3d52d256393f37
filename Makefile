# The two commands of the README:
#   make demo   set up, migrate, load the demo data and serve on http://127.0.0.1:8000 (installs
#               what WeasyPrint needs when run as root, else says which packages are missing)
#   make test   run the whole test suite (SQLite by default; CI sets DATABASE_URL and CELERY_BROKER_URL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test install system-packages serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q ".[dev]"
	rm -rf build *.egg-info
	touch $@

install: $(VENV)/.installed

system-packages:
	bin/ensure-system-packages

demo: install
	bin/ensure-system-packages weasyprint
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Mở http://127.0.0.1:8000 và đăng nhập bằng một tài khoản ở trên."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install system-packages
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2 -rs -m "not worker and not faults and not timing" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -rs -m "worker or faults or timing" $(PYTEST_ARGS)
