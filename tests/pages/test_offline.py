"""The service worker and the offline page, as the server sends them."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from backrelease.pages import offline

pytestmark = pytest.mark.django_db


def test_the_worker_lists_the_shell_and_is_never_cached():
    response = Client().get("/sw.js")
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", response.text).group(1))
    assert shell == offline.shell()
    assert "/offline/" in shell
    assert f'const SHELL_CACHE = "{offline.version(shell)}"' in response.text


def test_each_shell_file_is_served():
    client = Client()
    for url in offline.shell():
        assert client.get(url).status_code == 200, url


def test_the_offline_page_carries_nothing_of_a_person(person_client):
    page = person_client.get("/offline/").text
    assert "No connection" in page
    assert "csrfmiddlewaretoken" not in page
    assert "Settings" not in page


def test_a_new_file_name_makes_a_new_cache():
    assert offline.version(["/static/a.1.css"]) != offline.version(["/static/a.2.css"])
