# The front door. `make run` serves the demo; `make test` runs the whole test suite.
# Both prepare the checkout first (scripts/bootstrap), so they work on a fresh machine.
.PHONY: run test test-sqlite test-postgres lint ci worker messages bootstrap bench

PY := .venv/bin/python
HOST ?= 127.0.0.1:8000
# PostgreSQL for the second test run; override for another server.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/visitt

bootstrap:
	@scripts/bootstrap

run: bootstrap
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

worker: bootstrap
	$(PY) manage.py db_worker

# The whole suite on SQLite, then on PostgreSQL when a server answers.
test: bootstrap
	@scripts/run-tests $(ARGS)

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy visitt
	$(PY) manage.py makemigrations --check --dry-run
	VISITT_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=visitt.example.no EMAIL_HOST=smtp.example.no \
		$(PY) manage.py check --deploy --fail-level WARNING

# Refresh the catalogues from the source after changing interface text.
messages: bootstrap
	$(PY) manage.py makemessages --no-location --no-obsolete -l nb -l nn -l en \
		-i node_modules -i .venv -i var -i tests -i build
	$(PY) scripts/fill-english-catalogue
	$(PY) manage.py compile_catalogues

ci: lint test

# The load benchmark (not part of the tests): national-scale data, gunicorn, locust;
# writes bench/RESULTS.md. Takes long the first time (it generates the data).
bench: bootstrap
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	$(PY) bench/run.py
