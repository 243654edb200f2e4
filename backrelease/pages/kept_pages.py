"""Whose pages the service worker may show offline.

Each login gets a fresh random owner mark, kept in the session and mirrored in a cookie that the
service worker can read (`cookieStore`; it carries no secret, only which login a kept page came
from). The worker stores a kept page with the mark it was kept under and shows it offline only
while the cookie still holds that mark: signing out, signing in (as anyone), deleting the account
or clearing the cookies all change or remove the mark, and the page is dropped unseen.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

COOKIE = "kept_pages_owner"
SESSION_KEY = "kept_pages_owner"
# Never sent to other sites; the removal carries it too, as the mark was set with it.
SAME_SITE = "Strict"


@receiver(user_logged_in)
def new_owner_mark(sender, request: HttpRequest, user, **kwargs) -> None:
    """A new login is a new owner: pages kept before it are not shown again."""
    request.session[SESSION_KEY] = secrets.token_urlsafe()


class KeptPagesOwnerMiddleware:
    """Keeps the owner cookie equal to the signed-in login's mark, and absent otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:
            # The database may be down: no second wait to find out who asked.
            return response
        # Inside the authentication middleware: every request it sees has a user.
        if request.user.is_authenticated:
            # A login from before marks existed gets one now.
            mark = request.session.setdefault(SESSION_KEY, secrets.token_urlsafe())
            if request.COOKIES.get(COOKIE) != mark:
                response.set_cookie(
                    COOKIE, mark, secure=settings.SESSION_COOKIE_SECURE, samesite=SAME_SITE
                )
        elif COOKIE in request.COOKIES:
            response.delete_cookie(COOKIE, samesite=SAME_SITE)
        return response
