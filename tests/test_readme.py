"""The README names files people open: each one it names must be there."""

from __future__ import annotations

import re

from django.conf import settings

ROOT = settings.BASE_DIR
# A path in backquotes under one of the repository's own folders, ending in a file name or a "/".
NAMED_PATH = re.compile(
    r"`((?:backrelease|journal|sessions|templates|static|tests|docs|\.ci)/[^`\s]*(?:\.\w+|/))`"
)


def named_paths(text: str) -> list[str]:
    return NAMED_PATH.findall(text)


def test_every_path_the_readme_names_exists():
    text = (ROOT / "README.md").read_text()
    missing = [path for path in named_paths(text) if not list(ROOT.glob(path.rstrip("/")))]
    assert missing == []


def test_it_reads_the_paths_a_readme_names():
    text = "see `backrelease/undo.py`, `docs/deploy/`, `.ci/run`, `bounds.py` and `journal/0004`"
    assert named_paths(text) == ["backrelease/undo.py", "docs/deploy/"]
