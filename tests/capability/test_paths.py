"""Every secret-bearing URL is declared, and what is declared is redacted and kept private."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from backrelease.capability import paths

# Path parameters that carry a database id or a language code, never a secret.
ID_CONVERTERS = ("<int:", "<str:language>")


def routes(patterns=None, prefix: str = "/") -> list[str]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def has_token_like_segment(route: str) -> bool:
    parameters = route.count("<")
    return parameters > sum(route.count(converter) for converter in ID_CONVERTERS)


def test_every_url_with_a_token_like_segment_is_declared():
    undeclared = [
        route for route in routes() if has_token_like_segment(route) and not paths.is_secret(route)
    ]
    assert undeclared == []


def test_the_check_sees_a_token_like_segment():
    assert has_token_like_segment("/shared/<str:token>/")
    assert has_token_like_segment("/accounts/reset/<uidb64>/<token>/")
    assert not has_token_like_segment("/journal/<int:pk>/edit/")
    assert not paths.is_secret("/invite/<str:token>/")


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ('"GET /shared/Zm9v-bar_1/ HTTP/1.1" 200', '"GET /shared/[token]/ HTTP/1.1" 200'),
        ("GET /shared/Zm9v-bar_1/fhir.json", "GET /shared/[token]/fhir.json"),
        ("GET /calendar/Zm9v-bar_1.ics?x=1", "GET /calendar/[token]?x=1"),
        ("GET /accounts/reset/MQ/cz4-abc123/ 302", "GET /accounts/reset/[token]/[token]/ 302"),
        (
            "Bad Request: /accounts/email/confirm/eyJwIjoxfQ:1x:abc/",
            "Bad Request: /accounts/email/confirm/[token]/",
        ),
        ("GET /journal/12/edit/", "GET /journal/12/edit/"),
    ],
)
def test_it_redacts_every_declared_secret(line, redacted):
    assert paths.redact(line) == redacted


def test_the_log_filter_rewrites_the_message_with_its_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/shared/abc/",), None
    )
    assert paths.RedactSecrets().filter(record)
    assert record.getMessage() == "Not Found: /shared/[token]/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/shared/nope/", "/calendar/nope.ics", "/accounts/email/confirm/nope/"]
)
def test_every_declared_url_answers_with_the_privacy_headers(path):
    response = Client().get(path)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"


def test_the_log_filter_redacts_a_line_with_every_kind_of_secret():
    # An access log line holds the path and the referrer: secrets of several kinds in one message.
    urls = [path.prefix + "/".join(["s3cret"] * path.segments) + "/" for path in paths.SECRET_PATHS]
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, " ".join(urls), (), None
    )
    assert paths.RedactSecrets().filter(record)
    assert "s3cret" not in record.getMessage()
    assert record.getMessage().count(paths.REDACTED) == sum(p.segments for p in paths.SECRET_PATHS)
