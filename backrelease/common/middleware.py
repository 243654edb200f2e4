from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from backrelease.common import commit_wait, database
from backrelease.common.bounds import has_control_characters


class LanguageMiddleware:
    """Answers in the language the visitor asked for, and in English for anything else.

    The order: a `language` query parameter (the clinician's read-only pages, which set no cookie,
    carry it in their links), the signed-out choice in the language cookie, then the browser's
    Accept-Language. A signed-in person's saved choice wins over all of these
    (`PersonLocaleMiddleware`, once the person is known). An unknown code is ignored, never an
    error. Signing out forgets the cookie, so the next person on a shared phone gets their own
    browser's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(requested_language(request))
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            translation.deactivate()
        if not public(response):
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        if getattr(request, "forget_language", False):
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE
            )
        return response


def public(response: HttpResponse) -> bool:
    """A response the same for everyone who asks its address, as it says of itself."""
    return "public" in response.get("Cache-Control", "")


def supported_language(code: str | None) -> str | None:
    """The supported language a code names ("de-AT" is "de"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def requested_language(request: HttpRequest) -> str:
    return supported_language(request.GET.get("language")) or (
        translation.get_language_from_request(request)
    )


class PersonLocaleMiddleware:
    """Shows every date in the signed-in person's own zone, and every word in the language saved
    with their account (when they saved one); times stay stored in UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            timezone.activate(request.user.zone)
            language = supported_language(request.user.language)
            if language and not request.GET.get("language"):
                translation.activate(language)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RefuseControlCharactersMiddleware:
    """Answers 400 to a query string carrying control characters (a NUL breaks any SQL query).

    No link of the app carries one, so only a hand-made or hostile URL meets this; form fields are
    checked by their own validators, with a message beside the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if any(has_control_characters(text, single_line=True) for text in [key, *values]):
                return HttpResponseBadRequest(
                    translation.gettext(
                        "This address holds hidden control characters. Remove them and try again."
                    ),
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keeps a signed-in person's pages out of every cache, and limits the browser features pages
    may use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # An error page is cached by no one, and is not held up finding out who asked: with the
        # database down, looking the person up again would wait DATABASE_WAIT a second time.
        # A response that declares itself public (the scripts' translations, one address a
        # language and version) holds nothing of the person.
        if response.status_code >= 500 or (request.user.is_authenticated and not public(response)):
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class DatabaseOutageMiddleware:
    """While this process knows the database to be down, answers 503 at once (`database.Outage`);
    a request that finds it down says so through `handler500`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not database.outage.allows():
            return database.unavailable()
        return self.get_response(request)


class CommitWaitMiddleware:
    """Cancels a database call still unanswered COMMIT_WAIT seconds into the request (a commit
    waiting for a standby that is away) and answers "not saved yet" (`commit_wait`), unless the
    view gave an answer of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with commit_wait.watched() as watch:
            response = self.get_response(request)
        if watch.tripped and not watch.answered:
            return commit_wait.not_confirmed(request)
        return response
