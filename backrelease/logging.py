from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"/shared/[^/\s\"']+")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub("/shared/[token]", text)


class RedactShareTokens(logging.Filter):
    """Keeps share-link tokens out of every log line: Django logs the path of 404s and 410s."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/shared/" in message:
            record.msg = redact(message)
            record.args = ()
        return True
