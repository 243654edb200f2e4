"""Who may open a page of the workspace: one place, so every URL answers alike.

Anonymous: the login. Not a clinician: 404. A clinician without a verified second factor in this
session: the second-factor page. A clinician whose session sat idle too long: signed out, the login.
A patient the practice holds no active grant for, or another practice's patient: 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from backrelease.capability.middleware import PrivacyHeadersMiddleware
from journal.clinic import two_factor
from journal.clinic.models import Clinician, Grant, Membership


def private(response: HttpResponse, referrer: bool = True) -> HttpResponse:
    """A patient's data on a clinician's screen: the share link's guarantees (no cache, no search
    engine, no referrer). Pages that hold a form keep the site's same-origin referrer policy
    instead (their addresses hold no secret): a browser posts from a no-referrer page with
    `Origin: null`, which the CSRF check refuses."""
    for name, value in PrivacyHeadersMiddleware.HEADERS.items():
        if name != "Referrer-Policy" or not referrer:
            response[name] = value
    return response


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if two_factor.idle_too_long(request):
        logout(request)
        return redirect_to_login(request.get_full_path())
    return None


def clinician(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A clinician account, second factor or not (enrolment and the second-factor page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = _signed_in(request)
        if refused:
            return refused
        if not Clinician.objects.filter(person=request.user).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def verified(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A clinician whose second factor this session has verified; the view gets their membership,
    or None when they belong to no practice yet."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = _signed_in(request)
        if refused:
            return refused
        if two_factor.device_of(request) is None:
            # Only clinician accounts enrol a device: anyone else finds nothing here.
            if not Clinician.objects.filter(person=request.user).exists():
                raise Http404
            return redirect_to_login(request.get_full_path(), "clinic:two-factor")
        two_factor.keep_alive(request)
        membership = Membership.objects.of(request.user).select_related("practice").first()
        return private(view(request, membership, *args, **kwargs), referrer=True)

    return wrapper


def member(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A verified clinician of a practice; without one, the page to create or join a practice."""

    @verified
    @wraps(view)
    def wrapper(request: HttpRequest, membership: Membership | None, *args, **kwargs):
        if membership is None:
            return redirect("clinic:practice")
        return view(request, membership, *args, **kwargs)

    return wrapper


def patient(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The grant named by the URL's `pk`, if it stands and is the member's practice's; else 404,
    whatever the method (placed above the method check, as `owned` is)."""

    @member
    @wraps(view)
    def wrapper(request: HttpRequest, membership: Membership, pk: int, *args, **kwargs):
        grant = get_object_or_404(
            Grant.objects.active().select_related("person"),
            pk=pk,
            practice=membership.practice_id,
        )
        return private(view(request, membership, grant, *args, **kwargs), referrer=False)

    return wrapper
