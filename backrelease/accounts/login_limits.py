"""How many wrong passwords an account takes, and from whom.

Three limits, each counted in PostgreSQL so every worker and server enforces the same:
- per account and address (django-axes): 5 wrong passwords, then that address waits 15 minutes;
- per account, across addresses: after 20 wrong passwords in an hour from anywhere, each further
  try must wait a delay that doubles with every failure (2 s, 4 s, … up to a minute) — guessing
  spread over many addresses crawls, while the owner is slowed, never locked out — and the owner
  is told by mail;
- a browser the owner has logged in from before carries a signed "known device" cookie for the
  account: it is exempt from both limits above, so neither an attacker behind the same address
  (a NAT, a proxy) nor one guessing from elsewhere keeps the owner out, and has its own: 5 wrong
  passwords in 15 minutes, then the usual limits apply to it too (OWASP's device cookies).

A try takes its turn before its password is checked (`claim`): the limit's check and the try's
count are one step, so tries sent in parallel cannot slip past a limit together.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.db import connection, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backrelease.accounts import mail
from backrelease.accounts.models import LoginFailure, User
from backrelease.common.hashing import keyed

ACCOUNT_FAILURES_BEFORE_SLOWING = 20
ACCOUNT_WINDOW = timedelta(hours=1)
LONGEST_DELAY = 60
DEVICE_FAILURES = 5
DEVICE_WINDOW = timedelta(minutes=15)
DEVICE_COOKIE = "known_device"
DEVICE_SALT = "backrelease.known-device"
DEVICE_LIFETIME = timedelta(days=365)


def _name(username: str) -> str:
    return username.strip().lower()


def _account(username: str) -> str:
    return keyed("account", _name(username))


def _device(request: HttpRequest, username: str) -> str | None:
    """The known-device key of this browser for `username`, if its cookie is genuine."""
    try:
        signed = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""),
            salt=DEVICE_SALT,
            max_age=DEVICE_LIFETIME,
        )
    except signing.BadSignature:
        return None
    # The name itself, signed: a keyed hash of it would change with SECRET_KEY, and a rotation,
    # which the signature survives through SECRET_KEY_FALLBACKS, would forget every device.
    if signed.get("account") != _name(username):
        return None
    return keyed("device", signed.get("device", ""))


@dataclass(frozen=True)
class Claim:
    """A try's turn, taken before its password is checked: the failure row it counts as until the
    password proves right, and the account's failures in the hour with it (0 on a known device's
    own limit, which `device` says)."""

    failure: int
    failures: int
    device: bool


# A transaction-long lock a key (its first 32 bits), which PgBouncer's transaction pooling keeps.
LOCK_SQL = f"""
SELECT pg_advisory_xact_lock('{LoginFailure._meta.db_table}'::regclass::oid::int, %s)
"""
FAILURES_SQL = f"""
SELECT count(*), max(at) FROM {LoginFailure._meta.db_table} WHERE key = %s AND at > %s
"""
RECORD_SQL = f"""
WITH forgotten AS (
    DELETE FROM {LoginFailure._meta.db_table} WHERE at < %(now)s - %(kept)s
)
INSERT INTO {LoginFailure._meta.db_table} (key, at) VALUES (%(key)s, %(now)s) RETURNING id
"""


def _failures_after_turn(cursor, key: str, since) -> tuple[int, object]:
    """Waits for the tries of `key` still taking their turn, then how many failures it had
    since `since`, and when the latest was."""
    cursor.execute(LOCK_SQL, [int(key[:8], 16) - 2**31])
    cursor.execute(FAILURES_SQL, [key, since])
    return cursor.fetchone()


def _record_failure(cursor, key: str, now) -> int:
    cursor.execute(RECORD_SQL, {"key": key, "now": now, "kept": ACCOUNT_WINDOW})
    return cursor.fetchone()[0]


def delay(failures: int) -> int:
    """Seconds between tries once an account has had `failures` wrong passwords in the hour."""
    if failures < ACCOUNT_FAILURES_BEFORE_SLOWING:
        return 0
    return min(2 ** (failures - ACCOUNT_FAILURES_BEFORE_SLOWING + 1), LONGEST_DELAY)


def claim(request: HttpRequest, username: str) -> int:
    """Takes this try's turn, just before its password is checked: 0, and the try counts as a
    failure until `passed` says otherwise; or the seconds it must still wait, counting nothing.

    The check and the count are one step, each account's tries taking turns: parallel tries as
    a delay runs out cannot all find the turn free, so one of them has its password checked.
    """
    # The app's clock for the count and the check alike.
    now = timezone.now()
    device = _device(request, username)
    with transaction.atomic(), connection.cursor() as cursor:
        if device is not None:
            failures, _ = _failures_after_turn(cursor, device, now - DEVICE_WINDOW)
            if failures < DEVICE_FAILURES:
                failure = _record_failure(cursor, device, now)
                request.login_claim = Claim(failure, failures=0, device=True)
                return 0
        account = _account(username)
        failures, latest = _failures_after_turn(cursor, account, now - ACCOUNT_WINDOW)
        if delay(failures):
            remaining = (latest + timedelta(seconds=delay(failures)) - now).total_seconds()
            if remaining > 0:
                return math.ceil(remaining)
        failure = _record_failure(cursor, account, now)
        request.login_claim = Claim(failure, failures=failures + 1, device=False)
        return 0


def passed(request: HttpRequest) -> None:
    """The password was right: this try is no failure."""
    LoginFailure.objects.filter(pk=request.login_claim.failure).delete()


def known_device(request: HttpRequest, credentials: dict | None = None) -> bool:
    """django-axes' whitelist: a try that took its turn as a known device of the account, within
    the device's own limit, is not held to the per-address lock-out."""
    taken = getattr(request, "login_claim", None)
    return taken is not None and taken.device


def slowed(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(request, "registration/slowed.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def trust_device(response: HttpResponse, person: User) -> None:
    """After a successful login: this browser is a known device of the account."""
    value = signing.dumps(
        {"account": _name(person.get_username()), "device": secrets.token_urlsafe(16)},
        salt=DEVICE_SALT,
    )
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=int(DEVICE_LIFETIME.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@receiver(user_login_failed)
def warn_the_owner(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """The wrong password that starts the slowing tells the owner, once: one try brings it."""
    taken = getattr(request, "login_claim", None)
    if taken is None or taken.failures != ACCOUNT_FAILURES_BEFORE_SLOWING:
        return
    username = credentials.get("username", "")
    person = User.objects.filter(username__iexact=username, is_active=True).first()
    if person is not None and person.email_confirmed:
        mail.warn_of_failed_logins.enqueue(person.pk, taken.failures, mail.origin(request))
