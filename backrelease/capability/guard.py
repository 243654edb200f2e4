"""The one way every secret URL answers a token: what it opens, or a refusal that counts the miss.

Only misses are counted and limited, so a valid link always opens, whoever guessed before; past
the client's limit a miss answers 429 with Retry-After, otherwise 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from backrelease.capability import budget

NOT_FOUND = 404
TOO_MANY = 429


def opened[T](
    request: HttpRequest,
    lookup: Callable[[], T | None],
    refusal: Callable[[int], HttpResponse],
) -> T | HttpResponse:
    """What `lookup` finds for the request's token; else `refusal(status)` sent with that status,
    the miss counted against the client."""
    found = lookup()
    if found is not None:
        return found
    status = TOO_MANY if budget.count_miss(request) else NOT_FOUND
    response = refusal(status)
    response.status_code = status
    if status == TOO_MANY:
        budget.retry_after(response)
    return response
