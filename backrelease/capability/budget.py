"""How many wrong tokens a client may try: one limit for every capability URL together, so
guesses spread over kinds of link count as one."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from backrelease.capability.models import TokenMiss
from backrelease.common import clients
from backrelease.common.hashing import keyed

WRONG_TOKENS_PER_MINUTE = 20

# One statement: counts this miss in the client's current minute and forgets minutes long gone.
COUNT_MISS_SQL = f"""
WITH forgotten AS (
    DELETE FROM {TokenMiss._meta.db_table} WHERE minute < now() - interval '10 minutes'
)
INSERT INTO {TokenMiss._meta.db_table} AS m (client, minute, misses)
VALUES (%s, date_trunc('minute', now()), 1)
ON CONFLICT (client, minute) DO UPDATE SET misses = m.misses + 1
RETURNING misses
"""


def count_miss(request: HttpRequest) -> bool:
    """Counts a wrong token from this client; True when it is over the minute's limit."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_MISS_SQL, [keyed("client", clients.address(request))])
        (misses,) = cursor.fetchone()
    return misses > WRONG_TOKENS_PER_MINUTE


def retry_after(response: HttpResponse) -> HttpResponse:
    """Says when the client may try again: at the start of the next minute, when its count
    starts afresh."""
    response["Retry-After"] = str(60 - timezone.now().second)
    return response
