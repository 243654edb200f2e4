"""The lock-out page's wait reads right for any setting of LOGIN_COOLOFF_MINUTES."""

from __future__ import annotations

from django.template.loader import render_to_string


def test_it_says_minute_or_minutes_as_the_number_needs():
    one = render_to_string("registration/locked.html", {"minutes": 1})
    assert "Wait 1 minute,\nthen try again" in one
    many = render_to_string("registration/locked.html", {"minutes": 15})
    assert "Wait 15 minutes,\nthen try again" in many
