"""Clinician share links: capability URLs (`backrelease.capability`) to a read-only report of a
period of the person's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from backrelease.capability import tokens
from backrelease.common import local_time
from journal.models import ShareLink, ShareLinkOpening

DEFAULT_DAYS = 30
MAX_DAYS = 365
# The database's bound on a link's life (share_link_expires_within_a_year).
MAX_LIFETIME = timedelta(days=366)


def create(person, token: str, **fields) -> ShareLink:
    return ShareLink.objects.create(person=person, token_hash=tokens.hash_token(token), **fields)


@dataclass(frozen=True)
class Lookup:
    link: ShareLink | None
    gone: bool


def find(token: str, now: datetime | None = None) -> Lookup:
    link = tokens.find(ShareLink.objects.select_related("person"), token)
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


def expiry(expires_on: date, zone: tzinfo, now: datetime | None = None) -> datetime:
    """The end of the chosen day in the person's zone, within the year the database allows.

    When summer time ends between today and the last day, that day's end lies a year, a day and
    an hour away; the link then ends up to an hour early rather than break the bound.
    """
    end_of_day = local_time.day_end(expires_on, zone)
    # In UTC: an aware local time plus a timedelta counts wall-clock hours, not elapsed ones.
    return min(end_of_day, (now or timezone.now()).astimezone(UTC) + MAX_LIFETIME)
