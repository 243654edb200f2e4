from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


@register.filter
def radios(field: BoundField) -> list[tuple[str, str, str]]:
    """Each choice of a radio field as (input, label, value), written here rather than through
    Django's widget templates: a step shows up to twenty of them, and the widget templates were
    most of a step's render time. The markup is the widget's own; the value comes as text, so a
    template shows it without number formatting."""
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    start = f'<input type="radio" name="{escape(field.html_name)}" value="'
    ident = escape(field.auto_id)
    extra = (" required" if field.field.required else "") + (
        ' aria-invalid="true"' if field.errors else ""
    )
    choices = []
    for index, (choice, label) in enumerate(field.field.choices):
        text = escape(choice)
        checked = " checked" if value is not None and str(choice) in chosen else ""
        choices.append(
            (mark_safe(f'{start}{text}" id="{ident}_{index}"{checked}{extra}>'), label, text)
        )
    return choices
