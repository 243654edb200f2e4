"""The clinician's second factor through django-otp: an authenticator app (TOTP) and single-use
recovery codes; and the shorter idle time of a clinician's session."""

from __future__ import annotations

import base64
import time

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
SEEN_KEY = "clinic_seen"
# A session write at most this often to push the idle end forward.
REFRESH_SECONDS = 60


def enrolled(person) -> bool:
    return django_otp.user_has_device(person)


def pending_device(person) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so a reload does not
    invalidate what the app has already scanned."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=person, confirmed=False, defaults={"name": "Authenticator"}
    )
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in (base32)."""
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="")


def confirm(request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the authenticator when `token` is right: its recovery codes, shown once, and the
    session counts as verified. None when the token is wrong."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery, _ = StaticDevice.objects.get_or_create(
            user=device.user, defaults={"name": "Recovery codes"}
        )
        recovery.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    verified(request, device)
    return codes


def check(request: HttpRequest, token: str) -> bool:
    """A code from the authenticator, or an unused recovery code (used up by this)."""
    device = django_otp.match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        return False
    verified(request, device)
    return True


def verified(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()
    keep_alive(request, force=True)


def device_of(request: HttpRequest) -> Device | None:
    """The confirmed device this session was verified with, if it is still the person's."""
    persistent_id = request.session.get(django_otp.DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != request.user.pk or not device.confirmed:
        return None
    return device


def idle_too_long(request: HttpRequest) -> bool:
    seen = request.session.get(SEEN_KEY)
    return seen is not None and time.time() - seen > settings.CLINICIAN_IDLE_MINUTES * 60


def keep_alive(request: HttpRequest, force: bool = False) -> None:
    """Moves the session's end to the idle limit from now; written at most once a minute."""
    now = time.time()
    if force or now - request.session.get(SEEN_KEY, 0) > REFRESH_SECONDS:
        request.session[SEEN_KEY] = now
        request.session.set_expiry(settings.CLINICIAN_IDLE_MINUTES * 60)
