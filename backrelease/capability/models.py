from django.db import models


class TokenMiss(models.Model):
    """Wrong capability tokens a client tried within one minute, kept in PostgreSQL so that every
    worker and every server counts against the same limit."""

    client = models.CharField(max_length=64, help_text="SHA-256 of the address, never the address.")
    minute = models.DateTimeField()
    misses = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="one_token_miss_a_minute"),
        ]
        indexes = [models.Index(fields=["minute"], name="token_miss_minute")]

    def __str__(self) -> str:
        return f"{self.misses} misses at {self.minute:%H:%M}"
