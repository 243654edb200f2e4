from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    display_name = models.CharField(
        max_length=80, blank=True, help_text="How the app greets you. Optional."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="Every date and week is counted in this zone.",
    )

    voice_guidance = models.BooleanField(
        default=False, help_text="Speak each step aloud during a session."
    )

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
