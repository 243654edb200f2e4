"""How many wrong tokens a client may try: one limit for every capability URL together, so
guesses spread over kinds of link count as one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from backrelease.common import clients
from backrelease.common.hashing import keyed
from backrelease.limits.counter import WRONG_TOKENS

WRONG_TOKENS_PER_MINUTE = 20


def count_miss(request: HttpRequest) -> bool:
    """Counts a wrong token from this client; True when it is over the minute's limit."""
    client = keyed("client", clients.address(request))
    return WRONG_TOKENS.count([client])[client] > WRONG_TOKENS_PER_MINUTE


def retry_after(response: HttpResponse) -> HttpResponse:
    """Says when the client may try again: when its minute ends and its count starts afresh."""
    response["Retry-After"] = str(WRONG_TOKENS.seconds_left(timezone.now().timestamp()))
    return response
