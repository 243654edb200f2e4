"""The translations the JavaScript modules read (`gettext`, `ngettext`, `interpolate` in
static/js), one catalog a language, with the language's number and date formats.

Its address names the language and a version of the compiled catalogs, so a browser may keep it a
year, and the service worker keeps every language's copy with the app shell: it holds nothing of a
person.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

from backrelease.common.middleware import supported_language

KEPT_FOR = 365 * 24 * 3600


@functools.cache
def version() -> str:
    """Changes whenever a compiled JavaScript catalog does, or Django's formats may have."""
    digest = hashlib.sha256(django.get_version().encode())
    for locale_path in settings.LOCALE_PATHS:
        for compiled in sorted(Path(locale_path).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(compiled.relative_to(locale_path)).encode())
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:12]


def url(language: str) -> str:
    return reverse("javascript-catalog", args=[language])


def urls() -> list[str]:
    """Every language's catalog, for the service worker to keep."""
    return [url(code) for code, _ in settings.LANGUAGES]


_catalog = JavaScriptCatalog.as_view()


@require_safe
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """The catalog of the language the address names; an unknown code is English, never an
    error."""
    language = supported_language(language) or settings.LANGUAGE_CODE
    with translation.override(language):
        response = _catalog(request)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=KEPT_FOR, immutable=True)
    return response
