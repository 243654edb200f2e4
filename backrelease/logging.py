from __future__ import annotations

import logging
import re

# Where a capability token sits in a path: a clinician's share link, a calendar feed.
CAPABILITY_PATHS = ("/shared/", "/calendar/")
TOKEN_IN_PATH = re.compile(r"(/shared/|/calendar/)[^/\s\"']+")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


class RedactCapabilityTokens(logging.Filter):
    """Keeps capability tokens out of every log line: Django logs the path of 404s and 410s."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(prefix in message for prefix in CAPABILITY_PATHS):
            record.msg = redact(message)
            record.args = ()
        return True
