"""Tokens of capability URLs that the app stores: 256 bits from `secrets`, kept only as a SHA-256.

The database never holds a working link, and every lookup is by the hash, so a near-miss guess
learns nothing from timing.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find[M: models.Model](queryset: models.QuerySet[M], token: str) -> M | None:
    """The row whose `token_hash` is the token's, or None."""
    return queryset.filter(token_hash=hash_token(token)).first()
