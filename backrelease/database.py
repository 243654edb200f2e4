"""How pooled connections are checked before a request gets one."""

from __future__ import annotations

from psycopg import Connection
from psycopg_pool import ConnectionPool
from psycopg_pool.base import AttemptWithBackoff

# While the database is down the pool retries its connections with a back-off that doubles each
# time (1, 2, 4, 8 s…), so once it is back the next try may be many seconds away and every request
# meanwhile times out. Retrying about once a second instead costs a failed connect a second during
# an outage and lets the first request after the restart be served.
AttemptWithBackoff.DELAY_BACKOFF = 1.0


def check_pooled_connection(conn: Connection) -> None:
    """psycopg's own check, and on a dead connection a check of every idle one at once.

    A database restart cuts all pooled connections together. Found one by one, each dead
    connection would cost the waiting request a back-off of a second or more; checking them all
    when the first is found lets the pool replace them while that request waits for a new one.
    """
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool = getattr(conn, "_pool", None)
        if pool is not None:
            pool.check()
        raise
