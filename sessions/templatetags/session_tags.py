from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from sessions import wording
from sessions.models import RatingWording, ReleaseSession

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


@register.simple_tag
def rating_wording(instrument: str) -> RatingWording:
    """The wording of the instrument shown in the active language (`sessions/wording.py`)."""
    return wording.shown(instrument)


@register.filter
def lang_attribute(rating_wording: RatingWording | None) -> str:
    """` lang="…"` on wording quoted in another language than the page's, else nothing."""
    if rating_wording is None or not wording.in_other_language(rating_wording):
        return ""
    return format_html(' lang="{}"', wording.html_lang(rating_wording))


@register.filter
def meaning(rating_wording: RatingWording, point: str) -> str:
    """What a point of the arch scale means, in the wording's words."""
    return rating_wording.point_labels[int(point)]


@register.filter
def scale_top(field: BoundField) -> str:
    """The highest value of a rating field's scale, as text."""
    return str(field.field.choices[-1][0])


@register.filter
def in_other_language(rating_wording: RatingWording) -> bool:
    """Whether the wording is in another language than the page's (the PEG in German)."""
    return wording.in_other_language(rating_wording)


@register.filter
def asked_in(row) -> list[RatingWording]:
    """The wordings a row's ratings were given in, from the process's table: one for each language,
    version and validation, since the column says those (the pain and the arch scales in British
    English, v1, are one "British English, v1")."""
    found = {}
    for field in row._meta.concrete_fields:
        if field.name.endswith("_wording"):
            given = wording.by_pk(getattr(row, field.attname))
            if given is not None:
                found.setdefault((given.language, given.version, given.status), given)
    return list(found.values())
