"""Capability URLs: addresses that carry a secret in their path and open something to whoever
holds them (a clinician's share link, a calendar feed, a password reset, an e-mail confirmation).

Everything such an address needs lives here, so a new one is covered by declaring it in `paths`:
its tokens (`tokens`), the limit on wrong guesses (`budget`), the privacy headers of its answers
(`middleware`) and the redaction of its secret from every log line (`paths`).
"""
