from __future__ import annotations

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from backrelease.common import htmx


class NameForm(forms.Form):
    name = forms.CharField()


def request(is_htmx: bool):
    made = RequestFactory().get("/", headers={"HX-Request": "true"} if is_htmx else {})
    made.htmx = HtmxDetails(made)
    return made


@pytest.fixture
def rendered(monkeypatch) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []

    def render(request, template, context, status):
        calls.append((template, status))
        return HttpResponse(status=status)

    monkeypatch.setattr(htmx, "render", render)
    return calls


@pytest.mark.parametrize(("is_htmx", "template"), [(False, "page.html"), (True, "page.html#part")])
@pytest.mark.parametrize(("data", "status"), [({"name": "Ann"}, 200), ({}, 422)])
def test_it_answers_the_page_or_its_partial_and_422_for_a_refused_form(
    rendered, is_htmx, template, data, status
):
    form = NameForm(data)
    form.is_valid()
    assert htmx.answer(request(is_htmx), "page.html", "part", {}, form).status_code == status
    assert rendered == [(template, status)]


def test_it_answers_200_without_a_form(rendered):
    assert htmx.answer(request(True), "page.html", "part", {}).status_code == 200
