"""One page skeleton: every page template reaches `skeleton.html`, and no other writes a <head>."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
HEAD = re.compile(r"<head[\s>]")
EXTENDS = re.compile(r"""{%\s*extends\s+["']([^"']+)["']""")


def parent_chain(name: str) -> list[str]:
    chain = [name]
    while match := EXTENDS.search((TEMPLATES / chain[-1]).read_text()):
        chain.append(match.group(1))
    return chain


def test_only_the_skeleton_writes_a_head():
    heads = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if HEAD.search(path.read_text())
    )
    assert heads == ["skeleton.html"]


def test_every_page_template_extends_the_skeleton():
    pages = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if EXTENDS.search(path.read_text())
    ]
    assert len(pages) > 20
    assert {page: parent_chain(page)[-1] for page in pages} == dict.fromkeys(pages, "skeleton.html")
