"""The database as requests meet it: the connection pool's settings (a dead connection never
reaches a request, a live one costs no round trip, the pool notices within about a second that
the database is back), and what a request answers while the database is down (a 503 at once, once
this process knows: `Outage`).

Only psycopg_pool's public API: the `check` and `reconnect_timeout` options, and
`ConnectionPool.check()` / `check_connection()`. (Not `reset`: with it, the pool returns
connections from a thread of its own, later.)
"""

from __future__ import annotations

import select
import threading
import time
import weakref
from collections.abc import Callable

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, DataError, IntegrityError, connection, connections
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from psycopg import Connection
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

# A connection idle longer than this gets a real round trip before use: a server that vanished
# without closing its sockets (a machine lost) is found here rather than by the request.
IDLE_CHECK_SECONDS = 30
# How long the pool keeps retrying one new connection (about once a second) before it gives up
# and lets the next waiting request start a fresh attempt. psycopg_pool's default retries for five
# minutes with a delay that doubles, so once the database is back the next try could be many
# seconds away and every request meanwhile would time out.
RECONNECT_SECONDS = 1.0

# When each connection was last handed out: it has been idle at most since then.
_handed_out_at: weakref.WeakKeyDictionary[Connection, float] = weakref.WeakKeyDictionary()


def _has_news(conn: Connection) -> bool:
    """Whether the server has written to an idle connection: it has nothing to say to one but
    goodbye (a restart, a terminated backend), so anything waiting there calls for a check."""
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return bool(readable)


def checker(alias: str):
    def check_pooled_connection(conn: Connection) -> None:
        """psycopg's own round trip, only for a connection that is closed, has been written to, or
        has idled long; on a dead one, a check of every idle connection at once.

        A database restart cuts all pooled connections together. Found one by one, each would cost
        a waiting request a retry; checking them all when the first is found lets the pool replace
        them while that request waits for a new one.
        """
        now = time.monotonic()
        idle = now - _handed_out_at.get(conn, 0.0)
        _handed_out_at[conn] = now
        if not conn.closed and idle < IDLE_CHECK_SECONDS and not _has_news(conn):
            return
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            # Perhaps the database went away: the next requests answer 503 at once unless the
            # outage's quick probe finds it there (a few milliseconds when it is).
            outage.noticed()
            connections[alias].pool.check()
            raise

    return check_pooled_connection


def from_url(url: str) -> dict:
    """Django's DATABASES entry for a PostgreSQL URL, read by psycopg's parser exactly as libpq
    reads it: one host or several (`h1:5432,h2:5432`, tried in turn, with
    `?target_session_attrs=read-write` to keep the one that takes writes: a failover's new
    primary), a socket folder as the host, and any other libpq parameter passed on as given."""
    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "Back Release runs on PostgreSQL only; DATABASE_URL names another"
        )
    params = conninfo_to_dict(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": params.pop("dbname", ""),
        "USER": params.pop("user", ""),
        "PASSWORD": params.pop("password", ""),
        "HOST": params.pop("host", ""),
        "PORT": params.pop("port", ""),
        "CONN_MAX_AGE": 0,
        "OPTIONS": params,
    }


# Of the DATABASE_WAIT a request may spend before its 503, what it keeps for its own work around
# the wait for a connection (middleware, rendering, a turn on a busy CPU), so the 503 comes within
# DATABASE_WAIT rather than after it.
OWN_WORK_SECONDS = 0.5


def pool_options(alias: str, *, max_size: int, wait: float) -> dict:
    """`wait`: DATABASE_WAIT. The threads of a worker never outnumber its pool, so a request
    waits for a connection only while the database cannot be reached."""
    return {
        "check": checker(alias),
        "reconnect_timeout": RECONNECT_SECONDS,
        "min_size": 1,
        "max_size": max_size,
        "timeout": max(wait - OWN_WORK_SECONDS, OWN_WORK_SECONDS),
    }


# What a database that is down or restarting raises: the pool's wait running out, or a connection
# that cannot be made or has just been cut (not a refused row: that is the request's own fault).
DATABASE_DOWN = (DatabaseError, PoolTimeout)


def is_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_DOWN) and not isinstance(error, IntegrityError | DataError)


UNAVAILABLE = {
    "status": 503,
    "title": _("Back in a moment"),
    "message": _(
        "Back Release cannot reach its database just now, usually because it is restarting. "
        "Nothing you entered before this was lost. Wait a few seconds, then try again."
    ),
}


def unavailable() -> HttpResponse:
    """The plain 503 page, rendered without the database: no session, no person."""
    response = HttpResponse(loader.render_to_string("error.html", UNAVAILABLE), status=503)
    response["Retry-After"] = "5"
    return response


class Outage:
    """Once a request in this process has found the database down, the others do not each wait
    DATABASE_WAIT for it (under load they would queue behind each other's waits): one request at a
    time tries it with a quick probe, and the requests meanwhile take that probe's answer."""

    def __init__(self, probe: Callable[[], None]) -> None:
        self._probe = probe
        self._lock = threading.Lock()
        self._probed = threading.Condition(self._lock)
        self._down = False
        self._probing = False
        self._probes = 0

    def noticed(self) -> None:
        with self._lock:
            self._down = True

    def allows(self) -> bool:
        """Whether this request may use the database: yes unless it is known to be down and a
        probe (this request's, or the one under way) says it still is."""
        with self._lock:
            if not self._down:
                return True
            if self._probing:
                probes = self._probes
                self._probed.wait_for(lambda: self._probes != probes, timeout=PROBE_TIMEOUT + 1)
                return not self._down
            self._probing = True
        try:
            self._probe()
            up = True
        except DATABASE_DOWN:
            up = False
        with self._lock:
            self._probing = False
            self._probes += 1
            self._down = not up
            self._probed.notify_all()
        return up


# How long the outage's probe waits for the server: a database that is down refuses at once (a
# socket with nothing behind it), one far away and silent is given this long.
PROBE_TIMEOUT = 1


def plain_connection_params() -> dict:
    """Django's parameters for its database, as `psycopg.connect` takes them for a connection of
    its own outside Django's pool: without Django's cursor class and type adapters."""
    return {
        key: value
        for key, value in connection.get_connection_params().items()
        if key not in {"cursor_factory", "context"}
    }


def _probe() -> None:
    """A connection made outside the pool and closed again: the pool may still be waiting out
    its retry, while this sees the server back the moment it is."""
    params = plain_connection_params() | {"connect_timeout": PROBE_TIMEOUT}
    try:
        psycopg.connect(**params).close()
    except psycopg.OperationalError as error:
        raise DatabaseError(str(error)) from error


outage = Outage(probe=_probe)
