from __future__ import annotations

import threading

import pytest
from psycopg_pool import PoolTimeout

from backrelease.common import database


@pytest.fixture
def probe():
    """The database as the outage's probe finds it: `state["up"]`, and a gate to hold the probe."""
    state = {"up": True, "gate": threading.Event()}
    state["gate"].set()

    def connect():
        state["gate"].wait(5)
        if not state["up"]:
            raise PoolTimeout("down")

    state["connect"] = connect
    return state


def test_once_the_database_is_found_down_requests_fail_fast_until_a_probe_succeeds(probe):
    outage = database.Outage(probe["connect"])
    assert outage.allows()
    outage.noticed()
    probe["up"] = False
    assert not outage.allows()
    # While one request tries the database, every other one is answered at once.
    probe["up"], probe["gate"] = True, threading.Event()
    results = []
    trying = threading.Thread(target=lambda: results.append(outage.allows()))
    trying.start()
    for _ in range(100):
        if outage._probing:
            break
        threading.Event().wait(0.01)
    assert not outage.allows()
    probe["gate"].set()
    trying.join(5)
    assert results == [True]
    assert outage.allows()
