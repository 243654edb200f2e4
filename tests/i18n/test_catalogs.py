"""The catalogs hold every string a person reads, German and Spanish translate all of it, and a
translation that drops a placeholder fails the build (msgfmt --check), never a page."""

from __future__ import annotations

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


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: "/".join(path.parts[-3::2]))
def test_every_placeholder_is_checked_by_msgfmt(catalog):
    """msgfmt checks a placeholder only in a message flagged python-format: makemessages flags
    those it recognises, and this finds any it missed."""
    unflagged = [
        entry.msgid
        for entry in polib.pofile(str(catalog))
        if "%(" in entry.msgid and not {"python-format", "javascript-format"} & set(entry.flags)
    ]

    assert unflagged == []
