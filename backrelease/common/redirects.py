from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from backrelease.common.bounds import has_control_characters


def local_next(request: HttpRequest, default: str) -> str:
    """Where a form asked to go back to, if that is a path on this site; else `default`."""
    next_url = request.POST.get("next", "")
    if (
        next_url.startswith("/")
        and not has_control_characters(next_url, single_line=True)
        and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
    ):
        return next_url
    return default
