from __future__ import annotations

import pytest
from django.test import Client

from backrelease.capability import budget, tokens
from tests.factories import ShareLinkFactory

pytestmark = pytest.mark.django_db


def test_it_counts_wrong_tokens_of_every_kind_against_one_limit():
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE):
        path = f"/shared/wrong-{n}/" if n % 2 else f"/calendar/wrong-{n}.ics"
        assert client.get(path).status_code == 404
    response = client.get("/calendar/one-more.ics")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_stores_only_the_hash_and_finds_the_row_by_the_token(person):
    token = tokens.new_token()
    link = ShareLinkFactory(person=person, token=token)
    assert token not in link.token_hash
    assert tokens.find(type(link).objects.all(), token) == link
    assert tokens.find(type(link).objects.all(), token + "x") is None


def test_reset_and_confirmation_links_count_against_the_limit_too(person):
    client = Client(REMOTE_ADDR="198.51.100.8")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE // 2):
        assert client.get(f"/accounts/reset/MQ/wrong-{n}/").status_code == 200
        assert client.get(f"/accounts/email/confirm/wrong-{n}/").status_code == 400
    refused = client.get("/accounts/reset/MQ/one-more/")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get("/accounts/email/confirm/one-more/").status_code == 429
