"""How a page answers: the whole page, or for an htmx request its named partial of the same
template, so the two can never drift apart."""

from __future__ import annotations

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """The page, or for an htmx request its named partial."""
    return f"{template}#{partial}" if request.htmx else template


def answer(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict,
    form: BaseForm | None = None,
) -> HttpResponse:
    """The page or its partial; 422 when `form` was refused, so htmx swaps in the errors and
    scripts and tests can tell a refusal from a save."""
    status = 422 if form is not None and form.errors else 200
    return render(request, page_or_partial(request, template, partial), context, status=status)
