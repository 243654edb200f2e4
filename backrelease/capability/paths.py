"""Which paths carry a secret, and how it is kept out of logs.

Free of models and settings: gunicorn's logger loads it before Django is set up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretPath:
    """A URL prefix followed by `segments` path segments that are secret.

    `form_page` names the last segment of the token-free page a link redirects to once its token
    is kept in the person's session: that page holds the form, so it must not be private (a post
    from a no-referrer page carries `Origin: null`, which the CSRF check refuses).
    """

    name: str
    prefix: str
    segments: int = 1
    form_page: str = ""


# Every secret-bearing URL of the app. tests/capability/test_paths.py fails on a URL pattern with
# a token-like parameter whose prefix is not declared here.
SECRET_PATHS = (
    SecretPath("share link", "/shared/"),
    SecretPath("calendar feed", "/calendar/"),
    # Django's own reset view keeps the token in the session and redirects to .../set-password/.
    SecretPath("password reset", "/accounts/reset/", segments=2, form_page="set-password"),
    SecretPath("e-mail confirmation", "/accounts/email/confirm/"),
    # A practice's invitation keeps its token in the session and redirects to .../accept/.
    SecretPath("practice invitation", "/clinic/invitation/", form_page="accept"),
)
PREFIXES = tuple(path.prefix for path in SECRET_PATHS)
REDACTED = "[token]"
# What a secret segment may hold: anything but a separator, as it may appear percent-encoded,
# quoted or followed by a query string in a log line.
_SEGMENT = r"[^/\s\"'?#]+"
_SECRETS = re.compile(
    "|".join(
        f"(?P<p{n}>{re.escape(path.prefix)}){'/'.join([_SEGMENT] * path.segments)}"
        for n, path in enumerate(SECRET_PATHS)
    )
)


_FORM_PAGES = tuple(f"/{path.form_page}/" for path in SECRET_PATHS if path.form_page)


def is_secret(path: str) -> bool:
    return path.startswith(PREFIXES) and not path.endswith(_FORM_PAGES)


def _redacted(match: re.Match) -> str:
    n = int(match.lastgroup[1:])
    return match.group(match.lastgroup) + "/".join([REDACTED] * SECRET_PATHS[n].segments)


def redact(text: str) -> str:
    """`text` with the secret of every capability URL in it written as [token]."""
    return _SECRETS.sub(_redacted, text)


class RedactSecrets(logging.Filter):
    """Keeps capability secrets out of every log line: Django logs the path of 4xx answers,
    gunicorn of every request."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(prefix in message for prefix in PREFIXES):
            record.msg = redact(message)
            record.args = ()
        return True
