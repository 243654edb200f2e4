"""Choosing the language of the pages: saved with the account when signed in, in a cookie when
not, and forgotten on signing out (the middleware reads it: backrelease/common/middleware.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from backrelease.common.middleware import supported_language


@require_POST
def choose(request: HttpRequest) -> HttpResponseRedirect:
    # An unknown or missing code is English, as the middleware would read it: never an error.
    language = supported_language(request.POST.get("language")) or settings.LANGUAGE_CODE
    following = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        following = "/"
    response = HttpResponseRedirect(following, status=303)
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def offered(request: HttpRequest) -> dict:
    """The switcher's languages, each named in its own words whatever the page's language
    (Django's own tag would translate "English" into the page's)."""
    return {"languages_offered": settings.LANGUAGES}


@receiver(user_logged_out)
def forget_language(sender, request: HttpRequest, **kwargs) -> None:
    """The next person on a shared phone reads their own browser's language."""
    request.forget_language = True
