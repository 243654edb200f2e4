"""The workspace's rows of patients, written here rather than in the template: the list has 200
rows and more, each of eight cells, and the template language took most of the page's time over
them (`make bench` weighs the list against its rows' SQL sent, "clinic list (200) over its rows
SQL sent"). The markup is the one the template wrote, cell for cell; the words come from
`workspace.Wording`, each worked out once a page."""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from journal.clinic.workspace import Row, Wording

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_rows(context, rows: list[Row]) -> SafeString:
    """Each patient's row of the list (`templates/clinic/workspace.html`)."""
    words = Wording()
    # The same token for every row's form, as `{% csrf_token %}` gives it within one page.
    csrf = CsrfTokenNode().render(context)
    return mark_safe("".join(_row(row, words, csrf) for row in rows))


def _row(row: Row, words: Wording, csrf: str) -> str:
    flags = (
        "".join(f'<span class="tag">{words.flags[flag]}</span> ' for flag in row.flags)
        or words.none
    )
    peg = words.peg(row)
    reviewed = words.reviewed(row)
    if reviewed is None:
        reviewed = (
            f'<form method="post" action="{words.reviewed_url(row.grant_id)}">{csrf}'
            f'<button type="submit" class="button">{words.mark_reviewed}</button></form>'
        )
    link = f'<a href="{words.patient_url(row.grant_id)}">{conditional_escape(row.name)}</a>'
    return f"""
  <tr>
    <th scope="row">{link}</th>
    <td>{flags}</td>
    <td>{words.last_activity(row)}</td>
    <td>{words.last_seven_days(row)}</td>
    <td class="change">{words.change(row)}</td>
    <td>{f'{peg[0]} <span class="hint">({peg[1]})</span>' if peg else words.none}</td>
    <td>{words.trial_plan(row)}</td>
    <td>{reviewed}</td>
  </tr>"""
