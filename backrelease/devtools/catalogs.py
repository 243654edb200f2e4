"""The translation catalogs (backrelease/locale): every marked string of the app, gathered by
Django's makemessages the same way for `make messages` and for the test that finds a string left
out of them (tests/i18n/test_catalogs.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

LANGUAGES = ["de", "es"]
# Each domain with the files it is gathered from: the drawings' titles too, read out as the
# pictures' text alternatives.
EXTENSIONS = {"django": ["html", "txt", "py", "svg"], "djangojs": ["js"]}
DOMAINS = list(EXTENSIONS)
# Development tooling and tests show no page to a person; the rest is installed, not ours.
IGNORED = [
    ".venv/*",
    "node_modules/*",
    "staticfiles/*",
    "tests/*",
    "docs/*",
    "mutants/*",
    "build/*",
    "backrelease/devtools/*",
]


def update(locale_path: Path | None = None) -> None:
    """Writes the catalogs with every marked string, keeping the translations already made; into
    `locale_path` instead of the project's when given."""
    # makemessages writes a file's strings into the "locale" folder above it when it meets one:
    # the project's is passed over when the catalogs go elsewhere.
    ignored = [*IGNORED, "backrelease/locale"] if locale_path else IGNORED
    options = {
        "locale": LANGUAGES,
        "add_location": "file",
        "no_obsolete": True,
        "ignore_patterns": ignored,
        "verbosity": 0,
    }
    settings = {"LOCALE_PATHS": [locale_path]} if locale_path else {}
    with override_settings(**settings):
        for domain in DOMAINS:
            call_command("makemessages", domain=domain, extensions=EXTENSIONS[domain], **options)
