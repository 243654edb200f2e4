"""Clinician share links: capability URLs whose token exists only in the URL.

The token carries 256 bits from `secrets`; the database keeps its SHA-256 alone and every lookup
is by that hash, so a stored row cannot be turned back into a working link and a near-miss guess
learns nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db import connection
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from backrelease import clients
from journal.models import ShareLink, ShareLinkOpening, ShareTokenMiss

TOKEN_BYTES = 32
DEFAULT_DAYS = 30
MAX_DAYS = 365
WRONG_TOKENS_PER_MINUTE = 20
# The database's bound on a link's life (share_link_expires_within_a_year).
MAX_LIFETIME = timedelta(days=366)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(person, token: str, **fields) -> ShareLink:
    return ShareLink.objects.create(person=person, token_hash=hash_token(token), **fields)


@dataclass(frozen=True)
class Lookup:
    link: ShareLink | None
    gone: bool


def find(token: str, now: datetime | None = None) -> Lookup:
    link = ShareLink.objects.select_related("person").filter(token_hash=hash_token(token)).first()
    if link is None:
        return Lookup(None, gone=False)
    return Lookup(link, gone=not link.is_active(now))


BROWSERS = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe_client(user_agent: str) -> str:
    """A coarse name ("Firefox on Windows"): enough to recognise, too vague to track."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "A browser")
    system = next((name for marker, name in SYSTEMS if marker in user_agent), "")
    return f"{browser} on {system}" if system else browser


def record_opening(link: ShareLink, request: HttpRequest, now: datetime | None = None) -> None:
    now = now or timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(last_opened_at=now, open_count=F("open_count") + 1)
    ShareLinkOpening.objects.create(
        link=link, opened_at=now, client=describe_client(request.headers.get("User-Agent", ""))
    )


# One statement: counts this miss in the client's current minute and forgets minutes long gone.
COUNT_MISS_SQL = f"""
WITH forgotten AS (
    DELETE FROM {ShareTokenMiss._meta.db_table} WHERE minute < now() - interval '10 minutes'
)
INSERT INTO {ShareTokenMiss._meta.db_table} AS m (client, minute, misses)
VALUES (%s, date_trunc('minute', now()), 1)
ON CONFLICT (client, minute) DO UPDATE SET misses = m.misses + 1
RETURNING misses
"""


def count_miss(request: HttpRequest) -> bool:
    """Counts a wrong token from this client; True when it is over the minute's limit."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_MISS_SQL, [clients.address_hash(request)])
        (misses,) = cursor.fetchone()
    return misses > WRONG_TOKENS_PER_MINUTE


def expiry(expires_on: date, zone: tzinfo, now: datetime | None = None) -> datetime:
    """The end of the chosen day in the person's zone, within the year the database allows.

    When summer time ends between today and the last day, that day's end lies a year, a day and
    an hour away; the link then ends up to an hour early rather than break the bound.
    """
    end_of_day = datetime.combine(expires_on + timedelta(days=1), time.min, zone)
    # In UTC: an aware local time plus a timedelta counts wall-clock hours, not elapsed ones.
    return min(end_of_day, (now or timezone.now()).astimezone(UTC) + MAX_LIFETIME)
