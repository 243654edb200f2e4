"""Settings for development and tests: production's own, on this checkout's PostgreSQL cluster
(`make db`) unless DATABASE_URL names another, with the development commands installed."""

import os

from backrelease.devtools import cluster

os.environ.setdefault("DATABASE_URL", cluster.local_url())

from backrelease.settings import *  # noqa: E402, F403
from backrelease.settings import INSTALLED_APPS, MAILERS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "backrelease.devtools"]

# Mail printed to the terminal shows its text as the reader sees it, links whole.
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    MAILERS = {"default": {"BACKEND": "backrelease.devtools.console_mail.EmailBackend"}}

# `make bench` over HTTP: the gunicorn it starts serves the bench's floors beside the app.
if os.environ.get("BENCH_URLS") == "1":
    ROOT_URLCONF = "backrelease.devtools.bench_urls"
