from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html
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
def radios(field: BoundField) -> list[tuple[str, str]]:
    """Each choice of a radio field as (input, label), written here rather than through Django's
    widget templates: a step shows up to twenty of them, and the widget templates were most of a
    step's render time. The markup is the widget's own."""
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    extra = mark_safe(
        (" required" if field.field.required else "")
        + (' aria-invalid="true"' if field.errors else "")
    )
    return [
        (
            format_html(
                '<input type="radio" name="{}" value="{}" id="{}_{}"{}{}>',
                field.html_name,
                choice,
                field.auto_id,
                index,
                mark_safe(" checked") if value is not None and str(choice) in chosen else "",
                extra,
            ),
            label,
        )
        for index, (choice, label) in enumerate(field.field.choices)
    ]
