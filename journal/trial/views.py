from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backrelease.accounts import undo
from backrelease.common.htmx import answer
from backrelease.common.ownership import owned
from backrelease.common.redirects import local_next
from journal.trial import plans, strip
from journal.trial.forms import CorrectionForm, PlanForm, RatingForm
from journal.trial.models import Status, TrialRating


def _plan_context(request: HttpRequest, form: PlanForm | None = None) -> dict:
    person = request.user
    today = plans.today_of(person)
    plan = plans.latest(person, today)
    running = plan if plan and plan.status == Status.RUNNING else None
    context = {"plan": plan, "running": running, "today": today}
    if plan:
        blocks = plans.blocks_of(plan)
        block = plans.block_on(blocks, today) if running else None
        context |= {
            "rows": strip.rows(
                plan, blocks, today, frozenset(plan.ratings.values_list("day", flat=True))
            ),
            # Not "block": inside {% block %} that name is the template's own.
            "current_block": block,
            "block_title": plans.block_title(block, plan) if block else "",
            "last_day": plans.last_day(plan, blocks),
            "rated_today": running and running.ratings.filter(day=today).first(),
        }
    if running is None:
        choices = PlanForm.proposed(request.POST if form else request.GET)
        form = form or PlanForm(initial=asdict(choices))
        context |= {"form": form, "promise": plans.promise(person, choices)}
    return context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan: before it starts, the form and what it can show; while it runs, its calendar."""
    if request.method == "GET" and request.htmx:
        # The form changed: what the chosen design can show, and nothing else.
        choices = PlanForm.proposed(request.GET)
        return render(
            request, "trial/plan.html#promise", {"promise": plans.promise(request.user, choices)}
        )
    form = None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plans.start(request.user, form.choices(), form.cleaned_data["submission_key"])
            except plans.Refused as refused:
                form.add_error(None, str(refused))
            else:
                if not request.htmx:
                    return redirect("trial:plan")
                form = None
    return answer(request, "trial/plan.html", "plan-body", _plan_context(request, form), form)


@login_required
@require_POST
def stop(request: HttpRequest) -> HttpResponse:
    status = 200
    try:
        plans.stop(request.user)
    except plans.Refused as refused:
        messages.error(request, str(refused))
        status = 422
    else:
        messages.success(request, _("Stopped early. The plan is kept, with its days so far."))
    if not request.htmx:
        return redirect("trial:plan")
    context = _plan_context(request) | {"oob": True}
    return render(request, "trial/plan.html#plan-body", context, status=status)


def _rating_context(request: HttpRequest, form: RatingForm | None = None, saved=None) -> dict:
    person = request.user
    today = plans.today_of(person)
    plan = plans.latest(person, today)
    days = plans.ratable_days(plan, today) if plan and plan.status != Status.STOPPED else []
    return {
        "plan": plan,
        "form": form or RatingForm(days=days, today=today),
        "days": days,
        "saved": saved,
        "ratings": plan.ratings.order_by("-day") if plan else [],
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest) -> HttpResponse:
    """The evening rating: the same question every day."""
    if request.method != "POST":
        return answer(request, "trial/rate.html", "rating-form", _rating_context(request))
    context = _rating_context(request)
    form = RatingForm(request.POST, days=context["days"], today=plans.today_of(request.user))
    saved = None
    if context["plan"] is None:
        form.add_error(None, _("No trial plan is running: start one first."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            saved = plans.record(
                context["plan"],
                data["day"],
                data["usual_pain"],
                data["unusual"],
                data["submission_key"],
                wording=data["usual_pain_wording"],
            )
        except plans.Refused as refused:
            form.add_error(None, str(refused))
        else:
            if not request.htmx:
                return redirect(local_next(request, reverse("trial:rate")))
            form = None
    context = _rating_context(request, form, saved)
    return answer(request, "trial/rate.html", "rating-form", context, form)


def _what(rating: TrialRating) -> str:
    return _("the trial rating of %(day)s") % {"day": date_format(rating.day, "j M")}


@login_required
@owned(TrialRating.objects.of)
@require_http_methods(["GET", "HEAD", "POST"])
def rating(request: HttpRequest, rating: TrialRating) -> HttpResponse:
    """A rating corrected afterwards; the result is read from the rows, so it follows at once."""
    initial = {"usual_pain": rating.usual_pain, "unusual": rating.unusual}
    form = CorrectionForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = plans.correct(
            rating, data["usual_pain"], data["unusual"], wording=data["usual_pain_wording"]
        )
        if not request.htmx:
            return redirect("trial:rate")
    context = {"rating": rating, "form": form, "saved": saved}
    return answer(request, "trial/rating.html", "correction-form", context, form)


@login_required
@owned(TrialRating.objects.of)
@require_POST
def rating_delete(request: HttpRequest, rating: TrialRating) -> HttpResponse:
    undo.delete_and_offer(request, rating, _what(rating))
    if request.htmx:
        # The row the request came from is swapped for nothing; the answer comes out of band.
        return render(request, "snackbar.html", {"oob": True})
    return redirect("trial:rate")


# The result's part of the page as rendered, by its language, its URLs' prefix and the facts it
# follows from (`plans.Outcome.facts`): the same ratings give the same words. Emptied whole when
# full.
_RESULT_BODIES: dict[tuple, str] = {}
RESULT_BODIES_AT_MOST = 2_000


def _result_body(request: HttpRequest, outcome: plans.Outcome | None) -> str:
    """The page's partial `result-body`, rendered once for each set of facts: its sentences and
    table took as long as the rest of the page, the reads and the statistics included."""
    key = (get_language(), get_script_prefix(), outcome.facts if outcome else None)
    body = _RESULT_BODIES.get(key)
    if body is None:
        body = render_to_string(
            "trial/result.html#result-body",
            {"outcome": outcome, "plan": outcome.plan if outcome else None},
            request,
        )
        if len(_RESULT_BODIES) >= RESULT_BODIES_AT_MOST:
            _RESULT_BODIES.clear()
        _RESULT_BODIES[key] = body
    return body


@login_required
@require_http_methods(["GET", "HEAD"])
def result(request: HttpRequest) -> HttpResponse:
    """The latest plan's result, computed from its rows now: a fixed number of queries."""
    plan = plans.latest(request.user)
    outcome = plans.outcome(plan, rows=False) if plan else None
    body = mark_safe(_result_body(request, outcome))  # noqa: S308 (the template's own output)
    if request.htmx:
        return HttpResponse(body)
    context = {"outcome": outcome, "plan": plan, "result_body": body}
    return render(request, "trial/result.html", context)
