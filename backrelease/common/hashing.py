"""Keys that count something about a person or a client without keeping what they are."""

from __future__ import annotations

import hashlib


def keyed(kind: str, value: str) -> str:
    """SHA-256 of `value` under `kind` (an address, an account, a device), so two kinds never
    share a key."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
