"""Which address a request comes from, the same way for every limit the app keeps."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def address(request: HttpRequest) -> str:
    """`REMOTE_ADDR`, or behind `TRUSTED_PROXY_COUNT` proxies the address the outermost one saw.

    Each proxy appends the address it was reached from to `X-Forwarded-For`, so the entry that many
    places from the end is the last one a client cannot forge.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
