"""What another feature has to say on the session start page, such as a trial's no-ball block.

Sessions import no feature above them (README, "Architecture"): a feature connects a receiver to
`asked` in its `AppConfig.ready`; the receiver takes the `person` and returns a `Notice` or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

asked = Signal()


@dataclass(frozen=True)
class Notice:
    text: str
    link: str
    link_text: str


def for_person(person) -> list[Notice]:
    return [notice for _, notice in asked.send(sender=Notice, person=person) if notice]
