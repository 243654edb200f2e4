"""A practice's share code: what a patient types to grant the practice access."""

from __future__ import annotations

import secrets

from journal.clinic.models import CODE_ALPHABET, CODE_LENGTH

SEPARATORS = str.maketrans("", "", " -")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalized(typed: str) -> str:
    """The code as stored: capitals, without spaces or dashes. A look-alike letter stays, so it
    matches no code rather than another one."""
    return typed.upper().translate(SEPARATORS)


def grouped(code: str) -> str:
    """Three groups of four, easier to read out and to type."""
    return "-".join(code[n : n + 4] for n in range(0, len(code), 4))
