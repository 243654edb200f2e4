"""The catalogs hold every string a person reads, German and Spanish translate all of it, and a
translation that drops a placeholder fails the build (msgfmt --check), never a page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from backrelease.devtools import catalogs

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGS = [
    LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    for language in catalogs.LANGUAGES
    for domain in catalogs.DOMAINS
]


def messages(path: Path) -> set[tuple[str | None, str, str]]:
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in polib.pofile(str(path))}


@pytest.fixture(scope="module")
def gathered(tmp_path_factory) -> Path:
    """The catalogs as makemessages writes them from the code as it is now."""
    folder = tmp_path_factory.mktemp("locale")
    catalogs.update(folder)
    return folder


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: "/".join(path.parts[-3::2]))
def test_the_catalogs_hold_exactly_the_strings_marked_in_the_code(catalog, gathered):
    fresh = messages(gathered / catalog.relative_to(LOCALE))
    kept = messages(catalog)

    assert not fresh - kept, "marked but not in the catalog: run make messages and translate"
    assert not kept - fresh, "in the catalog but no longer in the code: run make messages"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: "/".join(path.parts[-3::2]))
def test_every_message_is_translated_and_keeps_its_placeholders(catalog):
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr
    assert polib.pofile(str(catalog)).percent_translated() == 100


def test_a_translation_that_drops_a_placeholder_fails_to_compile(tmp_path):
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "#, python-format\n"
        'msgid "Rated %(count)s times"\n'
        'msgstr "Mehrmals bewertet"\n'
    )

    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(broken)], capture_output=True
    )

    assert done.returncode != 0


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]")


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: "/".join(path.parts[-3::2]))
def test_every_translation_keeps_its_placeholders(catalog):
    """msgfmt --check looks only at messages flagged python-format; this looks at all of them,
    the JavaScript catalog's too."""
    wrong = []
    for entry in polib.pofile(str(catalog)):
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        if not entry.msgid_plural:
            if entry.msgstr and set(PLACEHOLDER.findall(entry.msgstr)) != wanted:
                wrong.append((entry.msgid, entry.msgstr))
            continue
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        # The singular may say its count in words ("one rating"); the plural names them all.
        for form in forms[:-1]:
            if not set(PLACEHOLDER.findall(form)) <= wanted:
                wrong.append((entry.msgid, form))
        if forms[-1] and set(PLACEHOLDER.findall(forms[-1])) != wanted:
            wrong.append((entry.msgid, forms[-1]))

    assert wrong == []
