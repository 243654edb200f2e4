"""A pseudo-locale for layout tests: every message of the catalogs accented and half as long again,
as German and Spanish often run, so a page that only fits in English shows it before a translator
does. Placeholders, HTML tags and entities are kept as they are, so each message still works."""

from __future__ import annotations

import math
import re
from pathlib import Path

import polib
from django.utils.translation import to_locale

from backrelease.devtools import catalogs

LANGUAGE = "qps-ploc"
NAME = "Pseudo"
# Longer by half, in words of at most this many letters, as a long German compound would wrap.
GROWTH = 0.5
WORD = 8
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšŧûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŦÛṼŴẊÝŽ",
)
KEPT = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}|<[^>]*>|&\w+;|&#\d+;")


def pseudo(text: str) -> str:
    if not text:
        return text
    parts = KEPT.split(text)
    kept = KEPT.findall(text)
    shown = sum(len(part) for part in parts)
    accented = "".join(
        part.translate(ACCENTED) + (kept[index] if index < len(kept) else "")
        for index, part in enumerate(parts)
    )
    extra = math.ceil(shown * GROWTH)
    padding = " ".join("ẋ" * min(WORD, extra - start) for start in range(0, extra, WORD))
    return f"{accented} {padding}" if padding else accented


def build(locale_path: Path) -> Path:
    """Writes and compiles the pseudo-locale's catalogs under `locale_path`, from the English
    messages of the project's catalogs."""
    project = Path(catalogs.__file__).resolve().parents[1] / "locale"
    folder = locale_path / to_locale(LANGUAGE) / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    for domain in catalogs.DOMAINS:
        source = polib.pofile(str(project / catalogs.LANGUAGES[0] / "LC_MESSAGES" / f"{domain}.po"))
        catalog = polib.POFile()
        catalog.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": LANGUAGE,
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
        for entry in source:
            made = polib.POEntry(
                msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural
            )
            if entry.msgid_plural:
                made.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            else:
                made.msgstr = pseudo(entry.msgid)
            catalog.append(made)
        catalog.save_as_mofile(str(folder / f"{domain}.mo"))
    return locale_path
