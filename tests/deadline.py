"""A bound on a quick test's time, for the tests `make mutation` runs first: a test that has not
come back fails, so a mutant that loops for ever is killed rather than left to mutmut's own
timeout, which counts as not killed (docs/mutation.md)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def within(seconds: float, what: str) -> Iterator[None]:
    def stop(signum, frame):
        raise TimeoutError(f"{what} did not come back within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
