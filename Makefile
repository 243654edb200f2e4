# Everything the project needs is set up from here: the virtualenv, the packages, Chromium for the
# browser tests, and a PostgreSQL cluster in .pg/ when DATABASE_URL is not set.
SHELL := /bin/bash
.DEFAULT_GOAL := run
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
# Processes the test suite runs on: the machines it runs on have two cores.
TEST_PROCESSES ?= 2
PORT ?= 8000

.PHONY: translations gettext messages restore-test loadtest mutation failover-test worker-drill nginx supervisor pgbouncer patroni bench run serve test test-fast db db-stop migrate seed chromium lint format clean explain-trends audit screenshots
LIGHTHOUSE_VERSION := 13.5.0

$(STAMP): pyproject.toml .python-version
	@base=$$(PYENV_VERSION=$(PYTHON_VERSION) pyenv which python 2>/dev/null || command -v python$(PYTHON_VERSION)); \
	if [ -z "$$base" ]; then echo "Python $(PYTHON_VERSION) is needed: install it with pyenv (pyenv install $(PYTHON_VERSION))."; exit 1; fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PYTHON_VERSION)".split("."))))'; then \
		rm -rf $(VENV); "$$base" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --disable-pip-version-check -e . --group dev
	touch $(STAMP)

# The front-end files the app serves itself (plotly.js), exactly as package-lock.json pins them.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The translations, compiled from the catalogs in backrelease/locale (msgfmt from Debian's gettext).
# --check refuses a translation that drops or misspells a placeholder: the build fails, not a page.
CATALOGS := $(wildcard backrelease/locale/*/LC_MESSAGES/*.po)
translations: $(CATALOGS:.po=.mo)
backrelease/locale/%.mo: backrelease/locale/%.po | gettext
	msgfmt --check -o $@ $<

gettext:
	$(call debian,command -v msgfmt,gettext)

# After changing a text: every marked string gathered into the catalogs, for the translators.
messages: $(STAMP) gettext
	$(PY) manage.py update_catalogs

# A random SECRET_KEY, written once and kept (git-ignored), for when the environment has none.
.secret_key: | $(STAMP)
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

db: $(STAMP) .secret_key
	$(PY) -m backrelease.devtools.cluster up

db-stop:
	@if [ -x $(PY) ]; then $(PY) -m backrelease.devtools.cluster stop; fi

migrate: db
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The task worker (mail) runs beside the web server and stops with it.
run: node_modules/.package-lock.json translations seed
	DEBUG=$${DEBUG:-true} $(PY) manage.py collectstatic --noinput --verbosity 0
	@export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null' EXIT INT TERM; \
	until $(PY) -c 'import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)' \
		http://$(HOST):$(PORT)/healthz 2>/dev/null; do sleep 0.5; done; \
	echo "Demo login: demo / $${DEMO_PASSWORD:-release-demo}"; \
	echo "Open http://$(HOST):$(PORT)/"; \
	wait $$server

# As in production: gunicorn, DEBUG off, migrated, static files collected and compressed.
serve: migrate translations node_modules/.package-lock.json
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	@export DATABASE_URL=$${DATABASE_URL:-$$($(PY) -m backrelease.devtools.cluster url)} \
		DJANGO_SETTINGS_MODULE=backrelease.settings DEBUG=false; \
	$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config backrelease/gunicorn.conf.py backrelease.wsgi

# Debian's Chromium, for Playwright: never a browser downloaded at run time.
chromium:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" -ne 0 ]; then echo "Chromium is missing: run 'sudo apt-get install -y chromium'."; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

test: db chromium nginx pgbouncer gettext translations node_modules/.package-lock.json
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest --numprocesses $(TEST_PROCESSES) $(PYTEST_ARGS)

# The inner loop: everything but the browser tests.
test-fast: db nginx pgbouncer gettext translations node_modules/.package-lock.json
	$(PY) -m pytest --numprocesses $(TEST_PROCESSES) -m "not browser" $(PYTEST_ARGS)

# Lighthouse from the npm registry, kept out of the app's own packages.
.audit/node_modules/.bin/lighthouse:
	npm install --prefix .audit --no-save --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)

# Lighthouse (mobile) scores and compressed transfer sizes of the session, home and trend pages.
audit: seed chromium translations node_modules/.package-lock.json .audit/node_modules/.bin/lighthouse
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=false PORT=$(PORT) $(PY) manage.py audit

# PNG screenshots of the main screens at phone and laptop sizes, for the README.
screenshots: seed chromium translations node_modules/.package-lock.json
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=false PORT=$(PORT) $(PY) manage.py screenshots

# Median and p95 of every main page for a three-year person and the demo person, against floors
# measured in the same run, in-process and then over HTTP through gunicorn as `make serve` runs it;
# writes docs/benchmarks/bench.json and bench-http.json.
bench: migrate translations node_modules/.package-lock.json
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=false $(PY) manage.py bench $(if $(REQUESTS),--requests $(REQUESTS))
	DEBUG=false $(PY) manage.py bench --http $(if $(REQUESTS),--requests $(REQUESTS))

# Debian's packages the drills run, installed when missing: $(call debian,shell test,packages).
define debian
	@if ! $(1) >/dev/null 2>&1; then \
		if [ "$$(id -u)" -ne 0 ]; then echo "$(2) is missing: run 'sudo apt-get install -y $(2)'."; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; fi
endef

# nginx: the reverse proxy of the load test.
nginx:
	$(call debian,command -v nginx,nginx)

# supervisor: restarts the load test's app servers when they die, as systemd does in a
# deployment (docs/deploy).
supervisor:
	$(call debian,command -v supervisord,supervisor)

# PgBouncer: the connection budget between app servers and PostgreSQL (docs/deploy/pgbouncer.ini).
pgbouncer:
	$(call debian,command -v pgbouncer,pgbouncer)

# Patroni with etcd as its store, the etcd client Patroni's Python needs, pgBackRest (the WAL
# archive and base backups) and HAProxy (the app's way to the primary), as docs/deploy runs them.
patroni:
	$(call debian,command -v patroni,patroni)
	$(call debian,command -v etcd,etcd-server)
	$(call debian,/usr/bin/python3 -c 'import etcd',python3-etcd)
	$(call debian,command -v pgbackrest,pgbackrest)
	$(call debian,command -v haproxy,haproxy)

# Two app servers (make serve twice) behind nginx on one PostgreSQL, 50 simulated people under
# Locust, then again with PostgreSQL restarted, then four app servers through PgBouncer; loopback
# only, bounded, stops by itself.
loadtest: migrate nginx supervisor pgbouncer node_modules/.package-lock.json
	$(PY) -m pip install --quiet --disable-pip-version-check -e . --group load
	$(PY) tests/load/run.py

# Mutation testing: mutmut over the modules that decide what a person sees or who may see it
# ([tool.mutmut] in pyproject.toml), 30 minutes at most; a line per module, killed of all mutants,
# then PASS or MISS against 90% killed. MODULES=backrelease/common/period.py runs one module. The
# survivors that no test can kill are explained in docs/mutation.md.
mutation: db nginx node_modules/.package-lock.json
	$(PY) -m pip install --quiet --disable-pip-version-check -e . --group mutation
	$(PY) tests/mutation/run.py $(MODULES)

# Three Patroni nodes, a three-member etcd, pgBackRest, HAProxy and PgBouncer from docs/deploy,
# losing a postmaster, a Patroni, an etcd member, the whole store and the synchronous standby in
# turn while people save journal entries through nginx and the app; every saved entry looked for,
# two primaries looked for. RUNS fresh clusters (3); loopback only, bounded, stops by itself.
# Writes docs/benchmarks/failover.json.
failover-test: $(STAMP) nginx pgbouncer patroni
	$(PY) tests/load/failover.py

# The task worker through a PostgreSQL restart and a kill -9 in the middle of a mail, on a
# throwaway cluster with a loopback SMTP server: figures, PASS or MISS (make test runs it too).
worker-drill: $(STAMP)
	$(PY) tests/accounts/worker_drill.py

# pgBackRest's backup and archive on the drill's Patroni cluster, restored seven ways (a moment, a
# named point, the latest, twice in a row, after the runbook's restore, into Patroni as a new
# cluster), every row compared, the archive checked after each; see README, "Backups".
restore-test: $(STAMP) pgbouncer patroni
	$(PY) tests/load/restore.py

# The plan and timing of the weekly trend query for a person with three years of daily data.
explain-trends: migrate
	$(PY) manage.py explain_trends

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The cluster may live outside the checkout (see backrelease/devtools/cluster.py): the cluster module knows where.
clean:
	@if [ -x $(PY) ]; then $(PY) -m backrelease.devtools.cluster remove; fi
	rm -rf $(VENV) .pg staticfiles node_modules .audit
