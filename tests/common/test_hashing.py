from __future__ import annotations

import hashlib

from backrelease.common.hashing import keyed


def test_a_key_cannot_be_recomputed_without_the_secret_key(settings):
    address = "203.0.113.9"
    key = keyed("client", address)
    assert len(key) == 64
    assert key not in {
        hashlib.sha256(text.encode()).hexdigest() for text in (address, f"client:{address}")
    }
    settings.SECRET_KEY = "another-deployment-" + "x" * 40
    assert keyed("client", address) != key


def test_kinds_never_share_a_key():
    assert keyed("client", "ana") != keyed("account", "ana")
    assert keyed("client", "ana") == keyed("client", "ana")
