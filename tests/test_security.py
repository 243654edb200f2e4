from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def test_it_sends_a_strict_content_security_policy(person, person_client):
    session = ReleaseSessionFactory(person=person)
    response = person_client.get(session.get_absolute_url())
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", response.text)
    assert "<style" not in response.text
    assert " style=" not in response.text


def test_it_denies_framing_and_sniffing():
    response = Client().get(reverse("home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_it_keeps_htmx_from_injecting_styles_or_evaluating_code():
    page = Client().get(reverse("home")).text
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_it_answers_health_checks():
    response = Client().get(reverse("healthz"))
    assert response.text == "ok"


def test_it_asks_robots_to_stay_out():
    assert "Disallow: /" in Client().get("/robots.txt").text
