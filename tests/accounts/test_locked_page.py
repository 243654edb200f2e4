"""The lock-out page's wait reads right for any setting of LOGIN_COOLOFF_MINUTES."""

from __future__ import annotations

from django.template.loader import render_to_string


def test_it_says_minute_or_minutes_as_the_number_needs(rf):
    request = rf.get("/accounts/login/")
    one = render_to_string("registration/locked.html", {"minutes": 1}, request=request)
    assert "Wait 1 minute, then try again" in one
    many = render_to_string("registration/locked.html", {"minutes": 15}, request=request)
    assert "Wait 15 minutes, then try again" in many
