from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from backrelease.capability import paths


class PrivacyHeadersMiddleware:
    """Keeps every capability URL out of referrers, search engines and caches, whatever the
    status of its answer."""

    HEADERS = {
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow",
        "Cache-Control": "no-store",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if paths.is_secret(request.path):
            for name, value in self.HEADERS.items():
                response[name] = value
        return response
