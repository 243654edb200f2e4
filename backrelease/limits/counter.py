"""The one counter behind every rate limit: wrong capability tokens per client a minute, mails per
address, client and person an hour.

A limit is a kind of event and the length of its window. Counting is one statement: it adds one
event for each key in the current window, forgets windows long gone, and returns each key's count,
so parallel requests on any server never count the same event twice or miss one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection

from backrelease.limits.models import Count

COUNT_SQL = f"""
WITH forgotten AS (
    DELETE FROM {Count._meta.db_table}
    WHERE what = %(what)s AND window_start < now() - 2 * %(window)s::interval
)
INSERT INTO {Count._meta.db_table} AS c (what, key, window_start, count)
SELECT %(what)s, key,
       to_timestamp(floor(extract(epoch FROM now()) / %(seconds)s) * %(seconds)s), 1
FROM unnest(%(keys)s::text[]) AS key
ON CONFLICT (what, key, window_start) DO UPDATE SET count = c.count + 1
RETURNING key, count
"""


@dataclass(frozen=True)
class Limit:
    what: str
    window: timedelta

    def count(self, keys: list[str]) -> dict[str, int]:
        """Counts one event for each of `keys` in the current window; each key's count so far,
        this one included."""
        params = {
            "what": self.what,
            "window": self.window,
            "seconds": int(self.window.total_seconds()),
            "keys": keys,
        }
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, params)
            return dict(cursor.fetchall())

    def seconds_left(self, now_seconds: float) -> int:
        """Whole seconds until the window that holds `now_seconds` (since the epoch) ends."""
        window = int(self.window.total_seconds())
        return window - int(now_seconds) % window


WRONG_TOKENS = Limit("wrong token", timedelta(minutes=1))
MAILS = Limit("mail", timedelta(hours=1))
