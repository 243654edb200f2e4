"""What the service worker keeps so the app opens, and a session resumes, without a connection."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from backrelease.pages import javascript_catalog

# The app shell: every static file a session page needs, every language's JavaScript catalog
# (a session page offline still speaks its language), and the offline page in every language.
SHELL_STATIC = [
    "css/app.css",
    "js/feedback.js",
    "js/session.js",
    "django_htmx/htmx-2.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "manifest.webmanifest",
]


def shell() -> list[str]:
    return (
        [static(path) for path in SHELL_STATIC]
        + javascript_catalog.urls()
        + [reverse("offline"), *offline_pages().values()]
    )


def offline_pages() -> dict[str, str]:
    """Each language's offline page, by its code: kept from the start, so the page a person sees
    without a connection is in the language they last chose, even one chosen since."""
    return {code: f"{reverse('offline')}?language={code}" for code, _ in settings.LANGUAGES}


def version(urls: list[str]) -> str:
    """Names the shell's cache: it changes whenever a file's hashed name does, so an update
    replaces the old copies."""
    return "shell-" + hashlib.sha256("\n".join(urls).encode()).hexdigest()[:16]
