"""A person's account: sign-up, settings, e-mail address, password reset, deletion, undo."""

from __future__ import annotations

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backrelease.accounts import email_confirmation, login_limits, mail, undo
from backrelease.accounts.forms import (
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignupForm,
)
from backrelease.accounts.models import DeletedRow
from backrelease.capability import guard
from backrelease.common.htmx import answer
from backrelease.common.ownership import owned
from backrelease.common.redirects import local_next

SAVED_MESSAGE = gettext_lazy("Saved. Dates now show in your chosen time zone.")


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            # The language the sign-up was read in goes with the account to every device.
            form.instance.language = translation.get_language()
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Two sign-ups with one name at once: the form's own check saw neither.
            form.add_error("username", SignupForm.TAKEN_MESSAGE)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if user.email:
                messages.info(request, _send_confirmation(request, user))
            # A whole page, never a fragment inside the sign-up form: home, or where the sign-up
            # was asked for (such as becoming a clinician).
            where = local_next(request, reverse("home"))
            return HttpResponseClientRedirect(where) if request.htmx else redirect(where)
    return answer(request, "registration/signup.html", "signup-form", {"form": form}, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.save()
        if not request.htmx:
            messages.success(request, SAVED_MESSAGE)
            return redirect("account-settings")
        saved = True
    context = {
        "form": form,
        "saved_message": SAVED_MESSAGE if saved else "",
        "email_form": EmailForm(instance=request.user),
    }
    return answer(request, "account/settings.html", "profile-form", context, form)


def _send_confirmation(request: HttpRequest, person) -> str:
    """Queues the confirmation link; past the hour's limit, nothing is queued and the answer is
    the same."""
    if mail.allowed(request, person.email):
        version = email_confirmation.next_version(person)
        mail.send_confirmation.enqueue(person.pk, mail.origin(request), version=version)
    return _("We sent a link to %(address)s: open it to confirm the address.") % {
        "address": person.email
    }


@login_required
@require_POST
def email_address(request: HttpRequest) -> HttpResponse:
    """Sets, changes or removes the address; a new address waits for its confirmation link."""
    person = request.user
    before = person.email
    form = EmailForm(request.POST, instance=person)
    message = ""
    if request.POST.get("action") == "resend" and person.email:
        form = EmailForm(instance=person)
        message = _send_confirmation(request, person)
    elif form.is_valid():
        person = form.save(commit=False)
        if person.email.lower() != before.lower():
            email_confirmation.address_changed(person)
            person.save(
                update_fields=[
                    "email",
                    "email_confirmed_at",
                    "email_version",
                    "email_undeliverable_at",
                ]
            )
            person.refresh_from_db(fields=["email_version"])
        else:
            # The same address, perhaps in another case: its links and confirmation stand.
            person.save(update_fields=["email"])
        if not person.email:
            message = _("Your e-mail address is removed.")
        elif person.email_confirmed_at is None:
            message = _send_confirmation(request, person)
        else:
            message = _("Nothing changed.")
    if not request.htmx and not form.errors:
        messages.info(request, message)
        return redirect("account-settings")
    context = {"form": ProfileForm(instance=person), "email_form": form, "email_message": message}
    return answer(request, "account/settings.html", "email-form", context, form)


@require_http_methods(["GET", "HEAD"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a good token moves into the session and the browser on to the page with
    the button, whose URL holds no secret."""
    found = guard.opened(
        request,
        lambda: email_confirmation.person_for(token),
        lambda status: render(request, "account/email_confirm.html", {"person": None}),
    )
    if isinstance(found, HttpResponse):
        return found
    request.session[email_confirmation.SESSION_KEY] = token
    return redirect("email-confirmation")


@require_http_methods(["GET", "HEAD", "POST"])
def email_confirmation_page(request: HttpRequest) -> HttpResponse:
    """Confirms on a button press, not on opening: mail scanners open links before people do."""
    token = request.session.get(email_confirmation.SESSION_KEY, "")
    person = email_confirmation.person_for(token) if token else None
    confirmed = False
    if person is not None and request.method == "POST":
        email_confirmation.confirm(person)
        del request.session[email_confirmation.SESSION_KEY]
        confirmed = True
    context = {"person": person, "confirmed": confirmed}
    return render(request, "account/email_confirm.html", context, status=200 if person else 400)


class LoginView(auth_views.LoginView):
    """Django's login, under the per-account ceiling, and remembering the browser as a known
    device of the account once the password is right (`login_limits`)."""

    form_class = LoginForm

    def form_invalid(self, form):
        if form.wait:
            return login_limits.slowed(self.request, form.wait)
        return super().form_invalid(form)

    def form_valid(self, form):
        login_limits.passed(self.request)
        response = super().form_valid(form)
        login_limits.trust_device(response, form.get_user())
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset, which also lifts a login lock-out: the person has just proven who they
    are."""

    def form_valid(self, form):
        reset_login_failures(username=self.user.get_username())
        return super().form_valid(form)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Django redirects a good link to the form, or shows the form: anything else is a wrong
        # link, answered like any capability URL's.
        good = self.validlink or isinstance(response, HttpResponseRedirect)
        return guard.opened(request, lambda: response if good else None, lambda status: response)


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Every valid post gets the same answer after the same work (one count, one task queued),
    whether the address belongs to a confirmed account, an unconfirmed one or to no one: the
    worker decides whether a link goes out."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        if mail.allowed(request, address):
            mail.send_password_reset.enqueue(address, mail.origin(request))
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


def login_locked(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """django-axes' answer once an account has had too many wrong passwords from one address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "registration/locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, person=request.user
    )
    if request.method == "POST" and form.is_valid():
        # Cascades to every row of theirs: sessions, journal, check-ins, share links.
        request.user.delete()
        logout(request)
        return render(request, "account/deleted.html")
    return answer(request, "account/delete.html", "delete-form", {"form": form}, form)


@login_required
@owned(DeletedRow.objects.of)
@require_POST
def undo_delete(request: HttpRequest, kept: DeletedRow) -> HttpResponse:
    try:
        undo.restore(
            kept,
            conflict=_(
                "That cannot come back: something newer takes its place, such as another "
                "open session or a reminder at the same time."
            ),
        )
    except undo.CannotUndo as refused:
        messages.error(request, str(refused))
    else:
        # Translators: what names the thing deleted, such as "the 07:30 reminder".
        messages.success(request, _("Restored %(what)s.") % {"what": kept.what})
    return redirect(local_next(request, reverse("home")))
