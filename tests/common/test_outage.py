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


def test_once_the_database_is_found_down_requests_take_one_probes_answer(probe):
    outage = database.Outage(probe["connect"])
    assert outage.allows()
    outage.noticed()
    probe["up"] = False
    assert not outage.allows()
    # While one request tries the database, the others wait for that try's answer, not their own.
    probe["up"], probe["gate"] = True, threading.Event()
    results = []
    callers = [threading.Thread(target=lambda: results.append(outage.allows())) for _ in range(3)]
    for caller in callers:
        caller.start()
    threading.Event().wait(0.2)
    assert results == []
    probe["gate"].set()
    for caller in callers:
        caller.join(5)
    assert results == [True, True, True]
    assert outage.allows()
