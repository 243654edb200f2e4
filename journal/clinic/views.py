"""The clinician's pages, under /clinic/: becoming a clinician, the second factor, the practice,
the workspace and a patient's read-only record."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backrelease.accounts import mail
from backrelease.capability import guard
from backrelease.common.htmx import answer
from backrelease.common.redirects import local_next
from journal import sharing
from journal.clinic import access, codes, events, invitations, practices, two_factor, workspace
from journal.clinic.forms import InvitationForm, LinkForm, PracticeForm, TokenForm
from journal.clinic.models import Membership, What
from journal.sharing import report


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Open to anyone: a newcomer signs up from here and comes back to become a clinician."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        practices.become_clinician(request.user)
        return redirect("clinic:two-factor")
    return render(request, "clinic/join.html", {"idle": settings.CLINICIAN_IDLE_MINUTES})


@access.clinician
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment the first time; afterwards the second step of every sign-in."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    context: dict = {"form": form, "next": local_next(request, "")}
    if not two_factor.enrolled(request.user):
        device = two_factor.pending_device(request.user)
        if request.method == "POST" and form.is_valid():
            recovery = two_factor.confirm(request, device, form.cleaned_data["token"])
            if recovery is not None:
                return access.private(
                    render(request, "clinic/two_factor.html", {"recovery_codes": recovery})
                )
            form.add_error("token", _("That code is not right. Type the code the app shows now."))
        context |= {"qr": two_factor.qr_svg(device), "secret": two_factor.secret_of(device)}
    elif request.method == "POST" and form.is_valid():
        if two_factor.check(request, form.cleaned_data["token"]):
            return redirect(local_next(request, "/clinic/"))
        form.add_error("token", _("That code is not right, or was used already. Try the next one."))
    return access.private(answer(request, "clinic/two_factor.html", "token-form", context, form))


@access.verified
@require_http_methods(["GET", "HEAD", "POST"])
def practice(request: HttpRequest, membership: Membership | None) -> HttpResponse:
    form = PracticeForm(request.POST if request.method == "POST" and not membership else None)
    if request.method == "POST" and form.is_valid():
        try:
            practices.create(request.user, form.cleaned_data["name"])
        except practices.Refused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("clinic:practice")
    if membership:
        return _practice_page(request, membership, None)
    context = {"form": form, "membership": None}
    return answer(request, "clinic/practice.html", "practice", context, form)


@access.member
@require_POST
def new_code(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not membership.is_admin:
        raise Http404
    practices.new_code(membership.practice)
    messages.success(request, _("A new code is made. The old one no longer works."))
    return redirect("clinic:practice")


@access.member
@require_POST
def invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not membership.is_admin:
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        address = form.cleaned_data["email"]
        try:
            invitation = invitations.invite(membership, address, form.cleaned_data["role"])
        except invitations.Refused as refused:
            form.add_error("email", str(refused))
        else:
            if mail.allowed(request, address):
                invitations.send.enqueue(invitation.pk, mail.origin(request))
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": address})
            return redirect("clinic:practice")
    return _practice_page(request, membership, form, invite_form=form)


def _practice_page(request: HttpRequest, membership: Membership, form, **forms) -> HttpResponse:
    """The practice's page; after a refusal, with the form that was refused."""
    members = practices.members(membership.practice)
    context = {
        "form": PracticeForm(),
        "membership": membership,
        "invite_form": InvitationForm(),
        "link_form": LinkForm(),
        "code": codes.grouped(membership.practice.share_code),
        "members": members,
        "no_admin": not any(member.is_admin for member in members),
        **forms,
    }
    return answer(request, "clinic/practice.html", "practice", context, form)


LINK_REFUSALS = {
    guard.NOT_FOUND: gettext_lazy("That link does not open: check it was copied whole."),
    guard.TOO_MANY: gettext_lazy("Too many links that do not exist were tried. Wait a minute."),
}


@access.member
@require_POST
def ask(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Asks the patient behind a share link to add themselves to the workspace."""
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _practice_page(request, membership, form, link_form=form)

    def refusal(status: int) -> HttpResponse:
        form.add_error("link", str(LINK_REFUSALS[status]))
        return _practice_page(request, membership, form, link_form=form)

    lookup = sharing.find(form.cleaned_data["link"])
    found = guard.opened(request, lambda: None if lookup.gone else lookup.link, refusal)
    if isinstance(found, HttpResponse):
        return found
    try:
        practices.ask_through_link(membership, found)
    except practices.Refused as refused:
        form.add_error("link", str(refused))
        return _practice_page(request, membership, form, link_form=form)
    messages.success(request, _("Asked. The patient answers on their own screen."))
    return redirect("clinic:practice")


@require_safe
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a good token moves into the session and the browser on to the page with
    the button, whose address holds no secret."""
    found = guard.opened(
        request,
        lambda: invitations.invitation_for(token),
        lambda status: render(request, "clinic/invitation.html", {"invitation": None}),
    )
    if isinstance(found, HttpResponse):
        return found
    request.session[invitations.SESSION_KEY] = token
    return redirect("clinic:invitation-accept")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(invitations.SESSION_KEY, "")
    found = invitations.invitation_for(token) if token else None
    refusal = None
    if found is not None and request.method == "POST":
        try:
            invitations.accept(found, request.user)
        except invitations.Refused as refused:
            refusal = str(refused)
        else:
            del request.session[invitations.SESSION_KEY]
            return redirect("clinic:two-factor")
    context = {"invitation": found, "refusal": refusal}
    status = 422 if refusal else 200 if found else 400
    return render(request, "clinic/invitation.html", context, status=status)


@access.member
@require_safe
def patients(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = workspace.rows(membership.practice, flag=request.GET.get("flag"))
    context = {"rows": rows, "flags": workspace.FLAGS, "flag": request.GET.get("flag", "")}
    return answer(request, "clinic/workspace.html", "patient-rows", context)


@access.patient
@require_POST
def reviewed(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
    workspace.mark_reviewed(membership, grant.person)
    return redirect(local_next(request, "/clinic/"))


@access.patient
@require_safe
def patient(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
    if request.method == "GET" and not request.htmx:
        events.record(request, grant, What.VIEW)
    members = practices.members(membership.practice)
    return report.page(request, grant, more={"practice": membership.practice, "members": members})


@access.patient
@require_safe
def patient_figures(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
    return report.figures(request, grant)


@access.patient
@require_safe
def patient_insights(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
    return report.insights_page(request, grant)


def _export(kind: str, write):
    @access.patient
    @require_safe
    def view(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
        events.record(request, grant, What.EXPORT, kind)
        return write(grant)

    return view


patient_csv = _export("back-release.csv", report.csv)
patient_fhir = _export("fhir.json", report.fhir)
patient_weekly_csv = _export("weekly.csv", report.weekly_csv)


@access.patient
@require_POST
def printed(request: HttpRequest, membership: Membership, grant) -> HttpResponse:
    """The print button tells the server before the browser prints (static/js/print.js)."""
    events.record(request, grant, What.PRINT)
    return HttpResponse(status=204)
