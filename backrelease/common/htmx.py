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
    scripts and tests can tell a refusal from a save. A refusal also gives the template its
    `refusal`: what to say beside the button (`form_answer.html`)."""
    refused = form is not None and bool(form.errors)
    if refused:
        context = context | {"refusal": errors_in_page_order(form)}
    return render(
        request,
        page_or_partial(request, template, partial),
        context,
        status=422 if refused else 200,
    )


def errors_in_page_order(form: BaseForm) -> list[str]:
    """The first message of each refused field, in the order the fields stand on the page (the
    form's field order, which its template follows), after any error of the form as a whole."""
    return [*form.non_field_errors(), *(field.errors[0] for field in form if field.errors)]
