"""A request whose database call goes unanswered for COMMIT_WAIT seconds: the call is cancelled
and the person gets the app's own answer at once ("not saved yet"), not a proxy's bare timeout.

With a synchronous standby (docs/deploy/patroni.yml) PostgreSQL acknowledges a commit only once
the standby has it, and while the standby is away a commit waits for ever: no PostgreSQL timeout
covers that wait. A cancel ends it with the transaction committed on the primary only (PostgreSQL
warns "canceling wait for synchronous replication"): it reaches the standby when the standby is
back, and is lost if the primary is lost first. So such a request never says "saved". A form with
a submission key may be sent again: the second save's commit waits for the standby as the first
did, and says "saved" only once the entry is safe (`journal.forms.JournalEntryForm.save`).

One watchdog thread a process looks at the requests in flight (`watched`): at COMMIT_WAIT after a
request began, and every POLL_SECONDS after that, a call still running on its connection is
cancelled. A request that is busy elsewhere (rendering, say) is left alone. The watch ends before
the response is returned, so a streamed download is never cut.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext
from psycopg.pq import TransactionStatus

# How often a request past its COMMIT_WAIT is looked at again: any later call of its own (a
# session saved on the way out) is cut short too.
POLL_SECONDS = 0.25
# How long sending a cancel may take (a new connection to the server or PgBouncer).
CANCEL_SECONDS = 2.0


class NotConfirmed(Exception):
    """The database did not acknowledge a write within COMMIT_WAIT: it may be committed on the
    primary only, or not at all."""


class Watch:
    """One request's database calls, as the watchdog sees them."""

    def __init__(self, database: BaseDatabaseWrapper, seconds: float) -> None:
        self.database = database
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        # A call of this request was cancelled: nothing it wrote is confirmed.
        self.tripped = False
        # The request answered that itself (a form kept for a safe retry).
        self.answered = False
        self.ended = False
        self.lock = threading.Lock()

    def cancel_if_waiting(self) -> None:
        with self.lock:
            if self.ended:
                return
            # Django's own psycopg connection (None until the request first needs one); its status
            # is ACTIVE while a call waits for the server's answer.
            conn = self.database.connection
            if conn is None or conn.info.transaction_status != TransactionStatus.ACTIVE:
                return
            self.tripped = True
            # A server out of reach ends the call on its own, with a connection error.
            with suppress(Exception):
                conn.cancel_safe(timeout=CANCEL_SECONDS)

    def end(self) -> None:
        # Under the lock: once this returns, no cancel is under way, and none will be sent to a
        # connection that goes back to the pool for another request.
        with self.lock:
            self.ended = True


class Watchdog:
    """The process's one thread that looks at the requests in flight once they are due."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._watches: dict[int, Watch] = {}
        self._thread: threading.Thread | None = None

    def start(self, watch: Watch) -> None:
        with self._lock:
            earliest = min((w.deadline for w in self._watches.values()), default=None)
            self._watches[id(watch)] = watch
            # A process forked from one that had the thread (a preloaded server) has none.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="commit-wait", daemon=True)
                self._thread.start()
            # The thread sleeps until the earliest deadline: woken only for an earlier one.
            if earliest is None or watch.deadline < earliest:
                self._changed.notify()

    def stop(self, watch: Watch) -> None:
        watch.end()
        with self._lock:
            self._watches.pop(id(watch), None)

    def _due(self) -> list[Watch]:
        """The watches past their deadline, once there are any (waits until then)."""
        with self._lock:
            while True:
                now = time.monotonic()
                due = [w for w in self._watches.values() if w.deadline <= now]
                if due:
                    return due
                first = min((w.deadline for w in self._watches.values()), default=None)
                self._changed.wait(None if first is None else first - now)

    def _run(self) -> None:
        while True:
            for watch in self._due():
                watch.cancel_if_waiting()
            time.sleep(POLL_SECONDS)


watchdog = Watchdog()
_current: ContextVar[Watch | None] = ContextVar("commit_wait", default=None)


@contextmanager
def watched(alias: str = "default") -> Iterator[Watch]:
    """The calls made on `alias` inside, each cancelled when it is still running COMMIT_WAIT
    seconds after this began."""
    watch = Watch(connections[alias], settings.COMMIT_WAIT)
    token = _current.set(watch)
    watchdog.start(watch)
    try:
        yield watch
    finally:
        watchdog.stop(watch)
        _current.reset(token)


def tripped() -> bool:
    """Whether a call of the request under way was cancelled."""
    watch = _current.get()
    return watch is not None and watch.tripped


def allowing(seconds: float) -> Callable[[Callable], Callable]:
    """A view whose request may keep the database busy for `seconds` rather than COMMIT_WAIT (an
    import of the largest file), still well under the proxy's timeout."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def allowed(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            watch = _current.get()
            if watch is not None:
                with watch.lock:
                    watch.deadline = watch.started + seconds
            return view(request, *args, **kwargs)

        return allowed

    return decorator


@contextmanager
def confirmed() -> Iterator[None]:
    """Around a write whose page would say "saved": raises NotConfirmed when a call of this
    request was cancelled, whether the write then failed or came back committed on the primary
    only."""
    watch = _current.get()
    try:
        yield
    except DatabaseError as error:
        if watch is not None and watch.tripped:
            watch.answered = True
            raise NotConfirmed from error
        raise
    if watch is not None and watch.tripped:
        watch.answered = True
        raise NotConfirmed


def not_confirmed(request: HttpRequest) -> HttpResponse:
    """The page of a request cut short: "not saved yet" when it sent something, else the plain
    "back in a moment". Rendered without the database."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        title = gettext("Back in a moment")
        message = gettext(
            "Back Release is waiting for its database just now. Wait a few seconds, then try again."
        )
    else:
        title = gettext("Not saved yet")
        message = gettext(
            "We could not confirm that your change was stored: the database is slow to answer "
            "just now. If it was stored, you will see it when you open the page again in a "
            "minute. Look there before you send it again."
        )
    context = {"title": title, "message": message}
    response = HttpResponse(loader.render_to_string("error.html", context), status=503)
    response["Retry-After"] = "30"
    return response
