from __future__ import annotations

from django.http import HttpRequest


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """The page, or for an htmx request its named partial: one template, so they cannot drift."""
    return f"{template}#{partial}" if request.htmx else template
