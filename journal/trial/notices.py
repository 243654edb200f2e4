"""The session start page's word from the trial: today is in a no-ball block.

Going on is allowed and never nagged about: a session on a no-ball day is kept as any other, and
the result counts it as a deviation (`plans.session_days`).
"""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from journal.trial import plans
from sessions import start_notices


@receiver(start_notices.asked)
def no_ball_today(sender, person, **kwargs) -> start_notices.Notice | None:
    today = plans.today_of(person)
    plan = plans.running(person, today)
    if plan is None:
        return None
    block = plans.block_on(plans.blocks_of(plan), today)
    if block is None or block.arm != "A":
        return None
    return start_notices.Notice(
        text=_("Today is in a no-ball block of your trial, until %(last)s. You can still go on.")
        % {"last": date_format(block.last_day, "D j M")},
        link=reverse("trial:plan"),
        link_text=_("Your trial plan"),
    )
