"""The error pages are the app's own, in the visitor's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from backrelease.pages import views

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_apps_own_in_the_visitors_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.text
    with translation.override("de"):
        assert f"<h1>{translation.gettext('Page not found')}</h1>" in response.text
        assert f'href="/">{translation.gettext("Home")}</a>' in response.text


def test_a_server_error_is_rendered_in_the_active_language(rf):
    with translation.override("es"):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="es">' in page
    with translation.override("es"):
        assert translation.gettext("Something went wrong") in page
