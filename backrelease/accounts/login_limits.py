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
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.db import connection
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


def _account(username: str) -> str:
    return keyed("account", username.strip().lower())


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
    if signed.get("account") != _account(username):
        return None
    return keyed("device", signed.get("device", ""))


def _failures(key: str, window: timedelta) -> tuple[int, object]:
    """How many failures `key` had within `window`, and when the latest was."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), max(at) FROM {LoginFailure._meta.db_table}"
            " WHERE key = %s AND at > now() - %s",
            [key, window],
        )
        return cursor.fetchone()


def known_device(request: HttpRequest, credentials: dict | None = None) -> bool:
    """django-axes' whitelist: a known device of the account, with fewer than its own limit of
    recent failures, is not held to the per-address lock-out."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    device = _device(request, username)
    return device is not None and _failures(device, DEVICE_WINDOW)[0] < DEVICE_FAILURES


def wait_seconds(request: HttpRequest, username: str) -> int:
    """Seconds this try must still wait under the per-account ceiling (0: go ahead)."""
    if known_device(request, {"username": username}):
        return 0
    failures, latest = _failures(_account(username), ACCOUNT_WINDOW)
    if failures < ACCOUNT_FAILURES_BEFORE_SLOWING:
        return 0
    delay = min(2 ** (failures - ACCOUNT_FAILURES_BEFORE_SLOWING + 1), LONGEST_DELAY)
    remaining = (latest + timedelta(seconds=delay) - timezone.now()).total_seconds()
    return max(0, int(remaining + 0.999))


def slowed(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(request, "registration/slowed.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def trust_device(response: HttpResponse, person: User) -> None:
    """After a successful login: this browser is a known device of the account."""
    value = signing.dumps(
        {"account": _account(person.get_username()), "device": secrets.token_urlsafe(16)},
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


RECORD_SQL = f"""
WITH forgotten AS (
    DELETE FROM {LoginFailure._meta.db_table} WHERE at < now() - interval '1 hour'
)
INSERT INTO {LoginFailure._meta.db_table} (key, at) VALUES (%s, now())
"""


@receiver(user_login_failed)
def record_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None:
        return
    username = credentials.get("username", "")
    device = _device(request, username)
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, [device or _account(username)])
    if device is not None:
        return
    failures, _ = _failures(_account(username), ACCOUNT_WINDOW)
    if failures == ACCOUNT_FAILURES_BEFORE_SLOWING:
        person = User.objects.filter(username__iexact=username, is_active=True).first()
        if person is not None and person.email_confirmed:
            mail.warn_of_failed_logins.enqueue(person.pk, failures, mail.origin(request))
