from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's defaults (100 MiB, 8 lanes) hold 100 MiB for every login in progress; a handful of
    logins at once would then crowd out every other request on a small server.
    """

    memory_cost = 19 * 1024
    time_cost = 2
    parallelism = 1
