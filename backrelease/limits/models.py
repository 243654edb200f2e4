from django.db import models
from django.utils.translation import gettext_lazy as _


class Count(models.Model):
    """How many times something happened for one key (a client, an address, a person, always a
    keyed hash: `common.hashing`) within one window of time, kept in PostgreSQL so that every
    worker and every server counts against the same limit."""

    what = models.CharField(
        max_length=30,
        # Translators: for the people who run the app; limits.counter is a name in the code.
        help_text=_("The limit counted: see `limits.counter`."),
    )
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["what", "key", "window_start"], name="one_count_a_key_a_window"
            ),
        ]
        indexes = [models.Index(fields=["window_start"], name="count_window_start")]

    def __str__(self) -> str:
        return f"{self.count} {self.what} from {self.window_start:%H:%M}"
