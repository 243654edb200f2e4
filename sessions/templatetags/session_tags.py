from __future__ import annotations

from django import template
from django.utils import timezone

from sessions.models import ReleaseSession

register = template.Library()


@register.filter
def mmss(seconds: int | None) -> str:
    seconds = max(int(seconds or 0), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def relax_left_now(session: ReleaseSession) -> int:
    """Seconds left on the countdown as the page is rendered; the browser takes over from there."""
    return max(int((session.relax_ends_at - timezone.now()).total_seconds()), 0)
