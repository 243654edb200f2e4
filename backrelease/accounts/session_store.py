"""Sessions that bring their person along: one round trip to PostgreSQL for both, where Django's
database sessions and authentication take two on every signed-in request (Django's documented way
to extend a database-backed session engine). An async load reads the session alone, and the
person is then found the usual way.

The person is trusted only when Django's own checks would pass: the session names that person and
an allowed backend, the person is active, and the session's password hash is the person's current
one. Anything else (a changed password, a rotated secret key, an old session) goes through
`django.contrib.auth.get_user`, which verifies it the usual way and flushes a stale session.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


class SessionStore(DatabaseSessionStore):
    # The person of the session row as loaded, None when it names no one.
    person = None

    @classmethod
    def get_model_class(cls):
        from backrelease.accounts.models import PersonSession

        return PersonSession

    def _get_session_from_db(self):
        try:
            session = self.model.objects.select_related("person").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(error)
            self._session_key = None
            return None
        self.person = session.person
        return session

    def create_model_instance(self, data):
        return _naming_its_person(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data):
        return _naming_its_person(await super().acreate_model_instance(data), data)


def _naming_its_person(session, data):
    person_id = data.get(auth.SESSION_KEY)
    session.person_id = int(person_id) if person_id is not None else None
    return session


def person_of(request):
    """The signed-in person from the session's own row, or whatever Django's `get_user` finds."""
    session = request.session
    # Reading a key loads the session, and with it its person.
    person_id = session.get(auth.SESSION_KEY)
    person = getattr(session, "person", None)
    if (
        person is not None
        and person.is_active
        and person_id == str(person.pk)
        and session.get(auth.BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
        and constant_time_compare(
            session.get(auth.HASH_SESSION_KEY, ""), person.get_session_auth_hash()
        )
    ):
        return person
    return auth.get_user(request)


class PersonMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, reading the person the session row brought along."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: person_of(request))
