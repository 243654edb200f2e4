"""Usual pain: the rule, written once, that every weekly figure, baseline and insight uses.

A person's usual pain over a stretch of time pools every rating of how they were: each journal
entry's pain, and each session's pain before it started (never the pain after, which measures the
session itself). It is the exact mean of those ratings, `numeric` in PostgreSQL, with their count.
"""

from __future__ import annotations

from backrelease.common.period import in_period
from journal.models import JournalEntry
from sessions.models import ReleaseSession

SESSIONS = ReleaseSession._meta.db_table
ENTRIES = JournalEntry._meta.db_table
# Which session rows hold a rating of usual pain; every journal entry holds one.
SESSION_RATED = "pain_before IS NOT NULL"
# The exact mean of the pooled `pain` of a group of ratings, and how many there are.
MEAN = "sum(pain)::numeric / nullif(count(pain), 0)"
COUNT = "count(pain)"


def ratings(*, shown: bool = False, within: tuple[str, str] | None = None) -> str:
    """SQL rows (`at`, `pain`): the person's ratings of usual pain in the period (`in_period`),
    and from `within[0]` up to `within[1]` (instants) when given."""

    def where(column: str) -> str:
        bounds = f" AND {column} >= {within[0]} AND {column} < {within[1]}" if within else ""
        return f"person_id = %(person)s AND {in_period(column, shown=shown)}{bounds}"

    return f"""
        SELECT started_at AS at, pain_before AS pain FROM {SESSIONS}
        WHERE {SESSION_RATED} AND {where("started_at")}
        UNION ALL
        SELECT recorded_at, pain FROM {ENTRIES} WHERE {where("recorded_at")}"""
