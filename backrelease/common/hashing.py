"""Keys that count something about a person or a client without keeping what they are.

A plain SHA-256 would not do: there are only 2^32 IPv4 addresses, and usernames and e-mail
addresses are guessable, so anyone holding the table could hash every candidate and read the
originals back. The key is an HMAC under the deployment's SECRET_KEY instead, so without that
secret a stored key tells nothing; a new SECRET_KEY starts every count afresh.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

SALT = "backrelease.counted"


def keyed(kind: str, value: str) -> str:
    """HMAC-SHA256 of `value` under `kind` (an address, an account, a device), so two kinds never
    share a key: 64 hexadecimal characters."""
    return salted_hmac(f"{SALT}.{kind}", value, algorithm="sha256").hexdigest()
