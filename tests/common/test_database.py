from __future__ import annotations

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from backrelease.common import database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round_trips(monkeypatch) -> list:
    made: list = []
    real = database.ConnectionPool.check_connection

    def counted(conn):
        made.append(conn)
        return real(conn)

    monkeypatch.setattr(database.ConnectionPool, "check_connection", staticmethod(counted))
    return made


def test_a_live_connection_is_handed_out_again_without_a_round_trip(round_trips):
    check = database.checker("default")
    conn = connection.pool.getconn()
    try:
        check(conn)
        check(conn)
        check(conn)
    finally:
        connection.pool.putconn(conn)
    # Only the first hand-out of a connection the check has never seen costs a round trip.
    assert len(round_trips) <= 1


def test_a_connection_whose_server_has_gone_is_refused(round_trips):
    check = database.checker("default")
    conn = connection.pool.getconn()
    try:
        check(conn)
        with psycopg.connect(**database.plain_connection_params(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s, 5000)", [conn.info.backend_pid])
        with pytest.raises(psycopg.OperationalError):
            check(conn)
    finally:
        connection.pool.putconn(conn)


def test_a_url_is_read_as_libpq_reads_it_one_host_or_several():
    pair = database.from_url(
        "postgres://app:s%40cret@10.0.0.1:5432,10.0.0.2:5433/backrelease"
        "?target_session_attrs=read-write&sslmode=require"
    )
    assert (pair["HOST"], pair["PORT"]) == ("10.0.0.1,10.0.0.2", "5432,5433")
    assert (pair["NAME"], pair["USER"], pair["PASSWORD"]) == ("backrelease", "app", "s@cret")
    assert pair["OPTIONS"] == {"target_session_attrs": "read-write", "sslmode": "require"}
    socket = database.from_url("postgres://postgres@%2Fsrv%2Fpg%2Frun:5432/backrelease")
    assert (socket["HOST"], socket["PORT"], socket["OPTIONS"]) == ("/srv/pg/run", "5432", {})


def test_a_url_of_another_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL only"):
        database.from_url("sqlite:///back.db")


def test_a_request_waits_for_a_connection_only_its_share_of_database_wait():
    options = database.pool_options("default", max_size=8, wait=2)
    assert options["timeout"] == 2 - database.OWN_WORK_SECONDS == 1.5
    assert database.pool_options("default", max_size=8, wait=0.5)["timeout"] == 0.5
